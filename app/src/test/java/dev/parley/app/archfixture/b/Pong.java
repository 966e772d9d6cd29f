package dev.parley.app.archfixture.b;

import dev.parley.app.archfixture.a.Ping;

/** The other half of the deliberate cycle in {@code archfixture}. */
public final class Pong {
    public Ping back() {
        return new Ping();
    }
}
