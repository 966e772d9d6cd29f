package dev.parley.net.moq.model;

import java.lang.ref.Cleaner;

/**
 * Safety net for counted consumer handles that are dropped without {@code close()}: once such a handle
 * is garbage collected, its release runs on one shared daemon thread, so {@code unused()} still fires
 * and an on-demand encoder still stops. Closing explicitly remains the normal path and is immediate.
 */
final class Leaks {
    static final Cleaner CLEANER = Cleaner.create(Thread.ofPlatform().daemon().name("moq-model-cleaner").factory());

    private Leaks() {
    }
}
