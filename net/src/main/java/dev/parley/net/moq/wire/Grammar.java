package dev.parley.net.moq.wire;

/**
 * What one stream (or one direction of it) carries, as a small state machine over a
 * {@link StreamDecoder}. {@link #next} returns the next complete item, or null when more bytes are
 * needed; it never consumes a partial item. Instances are stateful, one per stream; see {@link Grammars}.
 */
@FunctionalInterface
public interface Grammar<T> {
    T next(StreamDecoder in);
}
