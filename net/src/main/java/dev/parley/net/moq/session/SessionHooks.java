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
 * @param originId     a relay's origin (hop) id, nonzero below 2^53, the same on all its sessions: it is
 *                     appended to the hop list of every broadcast the session announces (lite-03: the
 *                     count; lite-05: sent as ANNOUNCE_OK's Hop ID, the receiver appends it) and asked to
 *                     be excluded by the peer (ANNOUNCE_PLEASE Exclude Hop, lite-04+). 0 for a session
 *                     that is not a relay's: it forwards hop lists unchanged and excludes nothing
 */
public record SessionHooks(AnnounceGate announceGate, Optional<String> setupPath, long originId) {
    public static final SessionHooks NONE = new SessionHooks(path -> { }, Optional.empty(), 0);

    public SessionHooks {
        Objects.requireNonNull(announceGate, "announceGate");
        Objects.requireNonNull(setupPath, "setupPath");
        if (originId < 0 || originId >= 1L << 53) {
            throw new IllegalArgumentException("origin id out of range: " + originId);
        }
    }

    public SessionHooks withOriginId(long id) {
        return new SessionHooks(announceGate, setupPath, id);
    }

    public SessionHooks withSetupPath(String pathAndQuery) {
        return new SessionHooks(announceGate, Optional.of(pathAndQuery), originId);
    }

    public SessionHooks withAnnounceGate(AnnounceGate gate) {
        return new SessionHooks(gate, setupPath, originId);
    }

    /** Admits or refuses one announced broadcast path. */
    @FunctionalInterface
    public interface AnnounceGate {
        /** Returns to admit {@code path}; throws to refuse it with the exception's code. */
        void check(String path) throws MoqException;
    }
}
