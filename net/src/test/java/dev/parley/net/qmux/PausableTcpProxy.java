package dev.parley.net.qmux;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback TCP forwarder for one connection whose server → client direction can stop: while paused it
 * reads nothing from the server, so the server's socket fills and its sends wait, as behind a link that
 * carries nothing. Counts the bytes it forwarded that way.
 */
final class PausableTcpProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final AtomicLong toClient = new AtomicLong();
    private volatile boolean paused;
    private volatile boolean closed;
    private volatile Socket client;
    private volatile Socket server;

    PausableTcpProxy(int targetPort) throws IOException {
        listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Thread.ofPlatform().daemon().name("proxy-accept").start(() -> {
            try {
                client = listener.accept();
                server = new Socket();
                server.setReceiveBufferSize(64 << 10); // before connect: the window it advertises stays small
                server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort));
                Thread.ofPlatform().daemon().name("proxy-up").start(() -> pump(client, server, false));
                pump(server, client, true);
            } catch (IOException e) {
                if (!closed) {
                    throw new IllegalStateException("proxy failed", e);
                }
            }
        });
    }

    int port() {
        return listener.getLocalPort();
    }

    void pause() {
        paused = true;
    }

    void resume() {
        paused = false;
    }

    /** Bytes forwarded from the server to the client so far. */
    long toClient() {
        return toClient.get();
    }

    private void pump(Socket from, Socket to, boolean down) {
        byte[] buf = new byte[64 << 10];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            while (!closed) {
                if (down && paused) {
                    Thread.sleep(5);
                    continue;
                }
                int n = in.read(buf);
                if (n < 0) {
                    return;
                }
                out.write(buf, 0, n);
                if (down) {
                    toClient.addAndGet(n);
                }
            }
        } catch (IOException e) {
            // the other side closed
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        listener.close();
        for (Socket s : new Socket[] {client, server}) {
            if (s != null) {
                s.close();
            }
        }
    }
}
