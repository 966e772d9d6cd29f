/**
 * Voice processing for the microphone: WebRTC's audio processing module (AEC3 echo cancellation,
 * noise suppression, adaptive gain, high-pass) through webrtc-java, with everything the app plays,
 * mixed on one timeline ({@link dev.parley.media.voice.FarEndMixer}), as the echo reference; one
 * per process ({@link dev.parley.media.voice.VoiceProcessing#shared()}), on by default, passing the
 * microphone through unchanged (with a logged reason) where the native library does not load.
 */
package dev.parley.media.voice;
