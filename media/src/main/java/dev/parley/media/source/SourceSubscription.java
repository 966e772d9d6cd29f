package dev.parley.media.source;

/** A sink's registration with a source; closing it unsubscribes. Idempotent. */
public interface SourceSubscription extends AutoCloseable {
    @Override
    void close();
}
