package dev.parley.media.watch;

import dev.parley.media.adapt.NetworkSignals;

/**
 * What the adaptive watcher last acted on.
 *
 * @param estimateBps the capacity estimate behind the last decision (bits per second, 0 = unknown): while
 *                    the path queues, the lower of the receive rate and the publisher's PROBE estimate,
 *                    otherwise the PROBE estimate
 * @param signals     the last tick's signals ({@link NetworkSignals#none()} before the first)
 */
public record Adaptation(long estimateBps, NetworkSignals signals) {
}
