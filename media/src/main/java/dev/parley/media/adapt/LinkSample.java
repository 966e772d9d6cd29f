package dev.parley.media.adapt;

import dev.parley.net.transport.PathStats;

/**
 * What the connection tells a watcher about its link, about every 200 ms: this side's path statistics
 * (its receive counters measure the media direction) and the publisher's own capacity estimate, sent
 * on the PROBE stream (0 = none yet, or a publisher that does not send one).
 */
public record LinkSample(PathStats path, long peerEstimateBps) {
}
