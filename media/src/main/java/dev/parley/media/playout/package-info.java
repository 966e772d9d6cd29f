/**
 * Playout: the adaptive audio jitter buffer, the audio clock video is paced against, and audio
 * sinks (a speaker through javax.sound, or a real-time-paced null sink when there is no device).
 * Speaker sinks follow the process's {@link dev.parley.media.playout.SpeakerRoute}: the output the user
 * chose, or the next one after an output fails.
 */
package dev.parley.media.playout;
