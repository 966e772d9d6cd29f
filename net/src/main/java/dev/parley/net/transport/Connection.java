package dev.parley.net.transport;

import dev.parley.net.identity.EndpointId;

import java.net.SocketAddress;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * One multiplexed connection to a peer, as the moq-lite session sees it: raw QUIC on the endpoint or
 * QMux over WebSocket. Stream methods block, so protocol code runs on virtual threads; the transport's
 * own I/O threads are never blocked by them.
 *
 * <p>Error codes passed to {@link SendStream#reset}, {@link RecvStream#stop} and {@link #close} are
 * application codes (moq-lite error codes). A binding that must map them into another code space
 * (raw QUIC maps stream codes into the WebTransport range) does so itself, in both directions.
 */
public interface Connection extends AutoCloseable {

    /** The negotiated application protocol, e.g. {@code moq-lite-03}. */
    String protocol();

    /** What carries the connection: {@code quic} (raw QUIC) or {@code websocket} (QMux over WebSocket). */
    default String binding() {
        return "quic";
    }

    /** The authenticated peer identity; present on QUIC (mutual TLS), empty on WebSocket. */
    Optional<EndpointId> remoteId();

    SocketAddress remoteAddress();

    /** Which path the connection's packets take now (direct ip:port or a relay). */
    default dev.parley.net.transport.PathInfo pathInfo() {
        return remoteAddress() instanceof java.net.InetSocketAddress isa
                ? dev.parley.net.transport.PathInfo.direct(isa)
                : new dev.parley.net.transport.PathInfo(dev.parley.net.transport.PathInfo.Kind.NONE, null, null, java.time.Duration.ZERO, 0);
    }

    /** True when this side dialed the connection. */
    boolean isClient();

    /** Opens a bidirectional stream, blocking while the peer's stream limit is exhausted. */
    BidiStream openBidi();

    /** Opens a unidirectional send stream, blocking while the peer's stream limit is exhausted. */
    SendStream openUni();

    /** Waits for the peer to open a bidirectional stream; throws {@link ConnectionClosedException} once closed. */
    BidiStream acceptBidi() throws InterruptedException;

    /** Waits for the peer to open a unidirectional stream; throws {@link ConnectionClosedException} once closed. */
    RecvStream acceptUni() throws InterruptedException;

    /** The most recent path statistics sample. */
    PathStats pathStats();

    /**
     * Calls {@code listener} with a new sample about every 200 ms until the connection closes or the
     * returned handle is closed. Listeners run on a transport thread and must not block.
     */
    AutoCloseable onPathStats(Consumer<PathStats> listener);

    /** Closes the connection with an application code and reason; idempotent. */
    void close(long code, String reason);

    /** Completes once, when the connection is closed for any reason. */
    CompletableFuture<CloseReason> closed();

    @Override
    default void close() {
        close(0, "");
    }
}
