package dev.parley.app.archfixture.a;

import dev.parley.app.archfixture.b.Pong;

/** A deliberate package cycle (a → b → a) that proves the cycle rule can fail. */
public final class Ping {
    public Pong answer() {
        return new Pong();
    }
}
