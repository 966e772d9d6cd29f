package dev.parley.app.headless;

import dev.parley.net.moq.session.Moq;
import dev.parley.net.moq.session.MoqRelayUrl;
import dev.parley.net.moq.session.MoqSession;
import dev.parley.net.transport.CloseReason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code parley publish --moq-relay}: a session from the publisher's {@link Moq} manager to a moq-lite
 * relay, which (like every session of the manager) carries every published broadcast. The first
 * session must work: a relay that refuses it (bad token, wrong scope) or refuses the announces
 * (read-only) is an {@link IllegalStateException} saying so. Later drops are re-dialed with backoff
 * (0.5 s doubling to 10 s) on a virtual thread until {@link #close()}. A GOAWAY that names another relay
 * (a draining relay's {@code --goaway-uri}) is followed at once: the new session is dialed (the manager
 * announces every broadcast on it) before the old one is closed, and later re-dials go there too.
 */
final class MoqRelayLink implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MoqRelayLink.class);
    private static final Duration DIAL_TIMEOUT = Duration.ofSeconds(10);
    /** How long a refusal of our announces may take to come back (a few round trips). */
    private static final Duration REFUSAL_WAIT = Duration.ofMillis(750);
    private static final long MAX_BACKOFF_MS = 10_000;

    private final Moq moq;
    private volatile MoqRelayUrl url;
    private final Thread keeper;
    private volatile MoqSession session;
    private volatile boolean closed;

    private MoqRelayLink(Moq moq, MoqRelayUrl url, MoqSession first) {
        this.moq = moq;
        this.url = url;
        this.session = first;
        this.keeper = Thread.ofVirtual().name("moq-relay-link").start(this::keep);
    }

    /** Dials the relay and checks it takes our broadcasts; throws {@link IllegalStateException} with the reason if not. */
    static MoqRelayLink start(Moq moq, MoqRelayUrl url) throws InterruptedException {
        MoqSession s = dial(moq, url);
        try {
            long code = s.announceRefused().get(REFUSAL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            s.close();
            throw new IllegalStateException("the moq relay " + url.redacted() + " refused to take our broadcast (code " + code
                    + "): the token or the public prefix lets this client only read " + url.scope());
        } catch (ExecutionException | TimeoutException accepted) {
            CloseReason r = s.closed().getNow(null);
            if (r != null) {
                throw new IllegalStateException("the moq relay " + url.redacted() + " closed the session: " + r);
            }
        }
        return new MoqRelayLink(moq, url, s);
    }

    private static MoqSession dial(Moq moq, MoqRelayUrl url) throws InterruptedException {
        try {
            return moq.connect(url).get(DIAL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot reach the moq relay " + url.redacted() + ": " + e.getCause().getMessage(), e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("the moq relay " + url.redacted() + " did not answer within " + DIAL_TIMEOUT.toSeconds() + " s");
        }
    }

    MoqRelayUrl url() {
        return url;
    }

    /** What carries the current session: {@code quic} or {@code websocket}. */
    String transport() {
        return session.connection().binding();
    }

    private void keep() {
        long backoff = 500;
        try {
            while (!closed) {
                MoqSession s = session;
                String to = endOrRedirect(s); // when the session ends or its peer names another relay (or close() interrupts)
                if (closed) {
                    return;
                }
                if (to != null && follow(s, to)) {
                    backoff = 500;
                    continue;
                }
                CloseReason r = s.closed().get();
                if (closed) {
                    return;
                }
                LOG.warn("the moq relay session ended ({}); re-dialing {}", r, url.redacted());
                while (!closed) {
                    Thread.sleep(backoff);
                    backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
                    try {
                        session = dial(moq, url);
                        backoff = 500;
                        break;
                    } catch (IllegalStateException e) {
                        LOG.warn("{}", e.getMessage());
                    }
                }
            }
        } catch (InterruptedException | ExecutionException e) {
            // closing
        }
    }

    /** Waits for {@code s} to end (null) or for a GOAWAY naming a new session URI (that URI). */
    private static String endOrRedirect(MoqSession s) throws InterruptedException {
        try {
            CompletableFuture.anyOf(s.closed(), s.goawayReceived()).get();
        } catch (ExecutionException e) {
            return null; // ended without a GOAWAY
        }
        String uri = s.goawayReceived().getNow("");
        return uri == null || uri.isEmpty() ? null : uri;
    }

    /** Moves to the relay a GOAWAY named; false (after saying why) to fall back to re-dialing. */
    private boolean follow(MoqSession old, String newSessionUri) throws InterruptedException {
        MoqRelayUrl to;
        try {
            to = url.redirect(newSessionUri);
        } catch (IllegalArgumentException e) {
            LOG.warn("the moq relay {} sent GOAWAY to '{}', which is no relay URL ({}); re-dialing it instead", url.redacted(),
                    newSessionUri, e.getMessage());
            return false;
        }
        try {
            MoqSession next = dial(moq, to);
            LOG.warn("the moq relay {} is going away; moved to {}", url.redacted(), to.redacted());
            url = to;
            session = next;
            old.close();
            return true;
        } catch (IllegalStateException e) {
            LOG.warn("the moq relay {} sent GOAWAY to {}: {}", url.redacted(), to.redacted(), e.getMessage());
            url = to; // the old relay is leaving: re-dial the new one with backoff
            return false;
        }
    }

    @Override
    public void close() {
        closed = true;
        keeper.interrupt();
        session.close();
    }
}
