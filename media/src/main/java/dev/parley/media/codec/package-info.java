/**
 * Codecs on FFmpeg's in-memory avcodec API: H.264 encode (libx264 or a probed hardware encoder,
 * h264_vaapi through uploaded GPU surfaces) and decode to BGRA, Opus encode, swscale conversion,
 * presets and the WebCodecs codec string derived from the SPS; Opus decode with in-band FEC and PLC
 * runs on a pure-Java Opus decoder, because FFmpeg's libopus wrapper cannot decode FEC. Each codec
 * object is owned by one thread at a time.
 */
package dev.parley.media.codec;
