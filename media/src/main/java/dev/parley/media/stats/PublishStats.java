package dev.parley.media.stats;

import java.util.List;

/**
 * The whole local broadcast.
 *
 * @param audioBitrateBps Opus output over the last second (0 when muted)
 */
public record PublishStats(List<EncoderStats> video, boolean micOn, boolean cameraOn, boolean screenOn,
                           long audioBitrateBps, long audioPackets) {
}
