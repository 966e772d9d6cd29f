package dev.parley.net.moq.session;

import dev.parley.net.moq.wire.Version;
import dev.parley.net.transport.Connection;
import dev.parley.net.transport.UrlDialer;

import dev.parley.net.identity.EndpointId;
import dev.parley.net.ticket.EndpointAddr;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Dials a moq-lite relay the way its URL says ({@link MoqRelayUrl#transport()}): every target of
 * {@link MoqRelayUrl#dialTargets()} at once on its own virtual thread; the first connection wins and the
 * others are closed as they come in. A raw QUIC connection that settled on a version without SETUP
 * (lite-03/04) cannot carry the URL's path and token, so it counts as failed unless the URL is the bare
 * root. When every target fails, the error names each one's reason, with the token left out.
 */
public final class RelayDial {
    /** The URL scheme of raw QUIC to a moq server (moq-native's). */
    public static final String QUIC_SCHEME = "moql";

    private RelayDial() {}

    /**
     * The winning connection.
     *
     * @param dialerFor the {@link UrlDialer} for a URL scheme ({@code moql}, {@code ws}, {@code wss})
     */
    public static CompletableFuture<Connection> race(MoqRelayUrl url, Function<String, CompletableFuture<UrlDialer>> dialerFor) {
        List<URI> targets = url.dialTargets();
        CompletableFuture<Connection> reply = new CompletableFuture<>();
        AtomicBoolean won = new AtomicBoolean();
        AtomicInteger pending = new AtomicInteger(targets.size());
        Map<String, String> failures = java.util.Collections.synchronizedMap(new LinkedHashMap<>());
        for (URI target : targets) {
            boolean quic = QUIC_SCHEME.equals(target.getScheme());
            String label = quic ? "QUIC" : "WebSocket";
            failures.put(label, "no answer");
            CompletableFuture<UrlDialer> client = dialerFor.apply(target.getScheme());
            Thread.ofVirtual().name("moq-relay-dial-" + target.getScheme()).start(() -> {
                Connection connection = null;
                try {
                    connection = client.join().connect(target);
                    Version v = Version.ofAlpn(connection.protocol()).orElse(null);
                    if (quic && (v == null || !v.setup()) && !url.setupPath().equals("/")) {
                        throw new IllegalStateException("the relay speaks " + connection.protocol()
                                + " over QUIC, which carries no path or token (lite-05 does)");
                    }
                    if (won.compareAndSet(false, true)) {
                        reply.complete(connection);
                    } else {
                        connection.close(0, "another transport connected first");
                    }
                } catch (RuntimeException e) {
                    if (connection != null) {
                        connection.close(0, "not used");
                    }
                    Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                    failures.put(label, String.valueOf(cause.getMessage()).replace(target.toString(), MoqRelayUrl.redacted(target)));
                } finally {
                    if (pending.decrementAndGet() == 0 && !reply.isDone()) {
                        reply.completeExceptionally(new IllegalStateException(failures.size() == 1
                                ? failures.values().iterator().next()
                                : "neither transport reached it: " + String.join("; ", failures.entrySet().stream()
                                        .map(f -> f.getKey() + ": " + f.getValue()).toList())));
                    }
                }
            });
        }
        return reply;
    }

    /**
     * A dialer for {@code moql://<endpoint-id>@host:port/} URLs ({@link MoqRelayUrl#relayId()}): raw QUIC through
     * {@code dial} (a Parley endpoint, whose handshake checks the peer's Ed25519 key, so no certificate is
     * needed) to that id at the URL's host and port (443 when none).
     */
    public static UrlDialer byKey(EndpointId id, Function<EndpointAddr, CompletableFuture<Connection>> dial, Duration timeout) {
        return new UrlDialer() {
            @Override
            public Connection connect(URI target) {
                InetSocketAddress at = new InetSocketAddress(target.getHost(), target.getPort() < 0 ? 443 : target.getPort());
                if (at.isUnresolved()) {
                    throw new IllegalStateException("cannot resolve " + target.getHost());
                }
                try {
                    return dial.apply(EndpointAddr.of(id, at)).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause() == null ? e : e.getCause();
                    throw cause instanceof RuntimeException r ? r : new IllegalStateException(cause.getMessage(), cause);
                } catch (TimeoutException e) {
                    throw new IllegalStateException("relay " + id.shortHex() + " at " + at + " did not answer over QUIC within "
                            + timeout.toSeconds() + " s");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while dialing the relay", e);
                }
            }

            @Override
            public void close() {
                // the endpoint is its owner's
            }
        };
    }

    /** The hooks a client session on {@code connection} (a {@link #race} winner) needs: the SETUP Path on raw QUIC. */
    public static SessionHooks hooks(MoqRelayUrl url, Connection connection, SessionHooks base) {
        return "quic".equals(connection.binding()) ? base.withSetupPath(url.setupPath()) : base;
    }
}
