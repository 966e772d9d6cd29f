/**
 * Parley media: capture sources, H.264/Opus codecs on FFmpeg, hang catalog and legacy container,
 * playout and adaptive rendition switching, plus the {@code LocalMedia} and {@code RemoteMedia} facades
 * the app wires to moq broadcasts. Nothing here touches Netty or JavaFX.
 */
package dev.parley.media;
