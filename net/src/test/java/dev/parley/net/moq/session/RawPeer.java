package dev.parley.net.moq.session;

import dev.parley.net.moq.wire.Grammar;
import dev.parley.net.moq.wire.StreamDecoder;
import dev.parley.net.moq.wire.WireLimits;
import dev.parley.net.transport.RecvStream;
import dev.parley.net.transport.StreamResetException;

import java.io.ByteArrayOutputStream;
import java.util.HexFormat;

/** Test helper: byte-level reads on one side of a {@link MemoryConnection}, to check exact wire bytes. */
final class RawPeer {
    private RawPeer() {}

    static byte[] hex(String h) {
        return HexFormat.of().parseHex(h.replace(" ", ""));
    }

    /** Reads exactly {@code n} bytes. */
    static byte[] readExactly(RecvStream s, int n) throws InterruptedException {
        byte[] out = new byte[n];
        int off = 0;
        while (off < n) {
            int r = s.read(out, off, n - off);
            if (r < 0) {
                throw new AssertionError("FIN after " + off + " of " + n + " bytes");
            }
            off += r;
        }
        return out;
    }

    /** Everything until FIN. */
    static byte[] readToEnd(RecvStream s) throws InterruptedException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        for (int n; (n = s.read(buf, 0, buf.length)) >= 0; ) {
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    /** The reset code the stream ends with, failing if it ends cleanly. */
    static long resetCode(RecvStream s) throws InterruptedException {
        try {
            readToEnd(s);
        } catch (StreamResetException e) {
            return e.code();
        }
        throw new AssertionError("stream ended with FIN, not a reset");
    }

    /** Reads one item with a grammar. */
    static <T> T read(RecvStream s, StreamDecoder d, Grammar<T> g) throws InterruptedException {
        byte[] b = new byte[1];
        while (true) {
            T item = d.poll(g);
            if (item != null) {
                return item;
            }
            int n = s.read(b, 0, 1);
            if (n < 0) {
                d.finish();
                return null;
            }
            d.feed(b, 0, n);
        }
    }

    static StreamDecoder decoder() {
        return new StreamDecoder(WireLimits.DEFAULT);
    }
}
