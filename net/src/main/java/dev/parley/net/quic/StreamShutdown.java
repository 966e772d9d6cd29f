package dev.parley.net.quic;

import io.netty.handler.codec.quic.QuicStreamChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Field;
import java.lang.reflect.Method;

/**
 * Sends RESET_STREAM / STOP_SENDING with a 62-bit error code.
 *
 * <p>Netty 4.2.18's {@code shutdownOutput(int)} / {@code shutdownInput(int)} take an {@code int} and
 * sign-extend it, so they cannot carry WebTransport-range codes (about 2^46). This class calls quiche's
 * {@code quiche_conn_stream_shutdown(conn, stream, direction, u64)} through Netty's package-private
 * binding first, then lets Netty's public shutdown update its own stream state (quiche ignores the
 * second shutdown, so the first code is the one on the wire). If the internals are not there (another
 * Netty version), it falls back to the public API with the code truncated to 32 bits and logs once.
 * Must run on the connection's event loop.
 */
final class StreamShutdown {
    private static final Logger LOG = LoggerFactory.getLogger(StreamShutdown.class);
    private static final Internals INTERNALS = Internals.load();

    private StreamShutdown() {
    }

    /** RESET_STREAM with {@code wireCode}. */
    static void resetOutput(QuicStreamChannel stream, long wireCode) {
        if (INTERNALS == null || !INTERNALS.shutdown(stream, INTERNALS.write, wireCode)) {
            stream.shutdownOutput((int) wireCode);
            return;
        }
        stream.shutdownOutput(0);
    }

    /** STOP_SENDING with {@code wireCode}. */
    static void stopInput(QuicStreamChannel stream, long wireCode) {
        if (INTERNALS == null || !INTERNALS.shutdown(stream, INTERNALS.read, wireCode)) {
            stream.shutdownInput((int) wireCode);
            return;
        }
        stream.shutdownInput(0);
    }

    /** True when full 62-bit codes can be sent (the Netty internals were found). */
    static boolean fullCodesSupported() {
        return INTERNALS != null;
    }

    private record Internals(Field connection, Method address, Method isFreed, Method shutdown,
                             Method sendAndFlush, int read, int write) {

        static Internals load() {
            try {
                String pkg = "io.netty.handler.codec.quic.";
                Class<?> channel = Class.forName(pkg + "QuicheQuicChannel");
                Class<?> conn = Class.forName(pkg + "QuicheQuicConnection");
                Class<?> quiche = Class.forName(pkg + "Quiche");
                Field connection = channel.getDeclaredField("connection");
                Method address = conn.getDeclaredMethod("address");
                Method isFreed = conn.getDeclaredMethod("isFreed");
                Method shutdown = quiche.getDeclaredMethod("quiche_conn_stream_shutdown",
                        long.class, long.class, int.class, long.class);
                Method sendAndFlush = channel.getDeclaredMethod("connectionSendAndFlush");
                Field read = quiche.getDeclaredField("QUICHE_SHUTDOWN_READ");
                Field write = quiche.getDeclaredField("QUICHE_SHUTDOWN_WRITE");
                for (var member : new java.lang.reflect.AccessibleObject[] {connection, address, isFreed, shutdown,
                        sendAndFlush, read, write}) {
                    member.setAccessible(true);
                }
                return new Internals(connection, address, isFreed, shutdown, sendAndFlush, read.getInt(null),
                        write.getInt(null));
            } catch (ReflectiveOperationException | RuntimeException e) {
                LOG.warn("Netty QUIC internals not found ({}); stream error codes are truncated to 32 bits", e.toString());
                return null;
            }
        }

        boolean shutdown(QuicStreamChannel stream, int direction, long code) {
            try {
                Object conn = connection.get(stream.parent());
                if (conn == null || (boolean) isFreed.invoke(conn)) {
                    return false;
                }
                int rc = (int) shutdown.invoke(null, (long) address.invoke(conn), stream.streamId(), direction, code);
                sendAndFlush.invoke(stream.parent());
                return rc >= 0 || rc == -1; // -1 is QUICHE_ERR_DONE: already shut down
            } catch (ReflectiveOperationException e) {
                LOG.warn("direct stream shutdown failed, using Netty's 32-bit code path: {}", e.toString());
                return false;
            }
        }
    }
}
