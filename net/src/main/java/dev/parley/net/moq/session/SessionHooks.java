package dev.parley.net.moq.session;

import dev.parley.net.moq.model.MoqException;

import java.util.Objects;
import java.util.Optional;

/**
 * What a relay (or any server with policies) adds to a session: a gate every broadcast the peer
 * announces must pass, and the lite-05 SETUP Path a client sends (raw QUIC carries no URL, so this is
 * how a scope and {@code ?jwt=} reach a relay).
 *
 * @param announceGate checked for each path the peer announces, on the session's announce task (it may
 *                     block, e.g. until the peer's permissions are resolved); a refusal resets the whole
 *                     announce stream with the exception's code
 * @param setupPath    client side, lite-05 only: the {@code path[?query]} sent in SETUP
 */
public record SessionHooks(AnnounceGate announceGate, Optional<String> setupPath) {
    public static final SessionHooks NONE = new SessionHooks(path -> { }, Optional.empty());

    public SessionHooks {
        Objects.requireNonNull(announceGate, "announceGate");
        Objects.requireNonNull(setupPath, "setupPath");
    }

    public SessionHooks withSetupPath(String pathAndQuery) {
        return new SessionHooks(announceGate, Optional.of(pathAndQuery));
    }

    public SessionHooks withAnnounceGate(AnnounceGate gate) {
        return new SessionHooks(gate, setupPath);
    }

    /** Admits or refuses one announced broadcast path. */
    @FunctionalInterface
    public interface AnnounceGate {
        /** Returns to admit {@code path}; throws to refuse it with the exception's code. */
        void check(String path) throws MoqException;
    }
}
