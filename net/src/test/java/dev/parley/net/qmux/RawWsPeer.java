package dev.parley.net.qmux;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A bare WebSocket peer (the JDK client, no QMux logic) for tests that must send bytes a correct
 * implementation never would, or inspect exactly what the server puts in each message.
 */
final class RawWsPeer implements AutoCloseable {
    final LinkedBlockingQueue<byte[]> messages = new LinkedBlockingQueue<>();
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final WebSocket ws;
    private final HttpClient http;

    RawWsPeer(URI uri, String subprotocol) {
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        ws = http.newWebSocketBuilder().subprotocols(subprotocol).buildAsync(uri, new WebSocket.Listener() {
            private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

            @Override
            public CompletionStage<?> onBinary(WebSocket w, ByteBuffer data, boolean last) {
                byte[] b = new byte[data.remaining()];
                data.get(b);
                partial.writeBytes(b);
                if (last) {
                    messages.add(partial.toByteArray());
                    partial.reset();
                }
                w.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket w, int status, String reason) {
                closed.complete(status);
                return null;
            }

            @Override
            public void onError(WebSocket w, Throwable error) {
                closed.complete(-1);
            }
        }).join();
    }

    String subprotocol() {
        return ws.getSubprotocol();
    }

    void send(byte[] message) {
        ws.sendBinary(ByteBuffer.wrap(message), true).join();
    }

    void send(QmuxFrame frame) {
        ByteBuf b = QmuxFrameCodec.encode(ByteBufAllocator.DEFAULT, frame);
        byte[] out = new byte[b.readableBytes()];
        b.readBytes(out);
        b.release();
        send(out);
    }

    /** Sends one message as several WebSocket fragments. */
    void sendFragmented(byte[] message, int pieces) {
        int step = Math.max(1, message.length / pieces);
        for (int off = 0; off < message.length; off += step) {
            int end = Math.min(message.length, off + step);
            ws.sendBinary(ByteBuffer.wrap(message, off, end - off), end == message.length).join();
        }
    }

    void sendText(String s) {
        ws.sendText(s, true).join();
    }

    /** Sends several frames as one qmux-01/02 record (one WebSocket message). */
    void sendRecord(QmuxFrame... frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (QmuxFrame f : frames) {
            ByteBuf b = QmuxFrameCodec.encode(ByteBufAllocator.DEFAULT, f);
            byte[] bytes = new byte[b.readableBytes()];
            b.readBytes(bytes);
            b.release();
            out.writeBytes(bytes);
        }
        send(out.toByteArray());
    }

    /** The next message decoded as a qmux-01/02 record, or null after the timeout. */
    java.util.List<QmuxFrame> nextRecord(long seconds) throws InterruptedException {
        byte[] m = messages.poll(seconds, TimeUnit.SECONDS);
        return m == null ? null : QmuxFrameCodec.decodeRecord(Unpooled.wrappedBuffer(m));
    }

    /** The next message decoded as a frame, or null after the timeout. */
    QmuxFrame next(long seconds) throws InterruptedException {
        byte[] m = messages.poll(seconds, TimeUnit.SECONDS);
        return m == null ? null : QmuxFrameCodec.decode(Unpooled.wrappedBuffer(m));
    }

    @Override
    public void close() {
        ws.abort();
        http.close();
    }
}
