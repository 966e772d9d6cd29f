/**
 * Codecs on FFmpeg's in-memory avcodec API: H.264 encode (libx264 or a probed hardware encoder)
 * and decode to BGRA, Opus encode and decode, swscale conversion, presets and the WebCodecs codec
 * string derived from the SPS. Each codec object is owned by one thread at a time.
 */
package dev.parley.media.codec;
