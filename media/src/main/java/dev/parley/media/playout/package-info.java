/**
 * Playout: the adaptive audio jitter buffer, the audio clock video is paced against, and audio
 * sinks (a speaker through javax.sound, or a real-time-paced null sink when there is no device).
 */
package dev.parley.media.playout;
