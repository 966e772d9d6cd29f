package dev.parley.app.service;

/** Stops a delivery started by a {@code subscribe} call. Idempotent. */
@FunctionalInterface
public interface Subscription extends AutoCloseable {
    @Override
    void close();
}
