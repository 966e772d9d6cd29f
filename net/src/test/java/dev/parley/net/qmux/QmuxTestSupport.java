package dev.parley.net.qmux;

import dev.parley.net.transport.RecvStream;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;

/** Starts a loopback server whose accepted connections are queued for the test. */
final class QmuxTestSupport implements AutoCloseable {
    final LinkedBlockingQueue<QmuxConnection> accepted = new LinkedBlockingQueue<>();
    final QmuxServer server;
    final QmuxClient client;

    QmuxTestSupport() {
        this(QmuxConfig.defaults(), QmuxConfig.defaults());
    }

    QmuxTestSupport(QmuxConfig serverConfig, QmuxConfig clientConfig) {
        server = QmuxServer.start(new InetSocketAddress("127.0.0.1", 0), Optional.empty(), serverConfig, accepted::add);
        client = new QmuxClient(clientConfig, java.time.Duration.ofSeconds(10));
    }

    String url(String path) {
        return "ws://127.0.0.1:" + server.port() + path;
    }

    QmuxConnection connect() {
        return client.connect(url("/"));
    }

    QmuxConnection nextAccepted() throws InterruptedException {
        QmuxConnection c = accepted.poll(10, java.util.concurrent.TimeUnit.SECONDS);
        if (c == null) {
            throw new AssertionError("server accepted no connection");
        }
        return c;
    }

    static byte[] readAll(RecvStream in) throws InterruptedException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf, 0, buf.length)) >= 0) {
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    @Override
    public void close() {
        client.close();
        server.close();
    }
}
