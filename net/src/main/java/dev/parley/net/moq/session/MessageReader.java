package dev.parley.net.moq.session;

import dev.parley.net.moq.wire.Grammar;
import dev.parley.net.moq.wire.StreamDecoder;
import dev.parley.net.moq.wire.WireLimits;
import dev.parley.net.transport.RecvStream;

/**
 * Blocking reads of whole moq-lite items from one receive stream. Bytes are pulled in chunks of at most
 * {@link #CHUNK} only when the decoder needs more, so memory stays at one item plus one chunk; a large frame's
 * payload is read straight into its own array ({@link StreamDecoder#fillPending}).
 */
final class MessageReader {
    static final int CHUNK = 16 * 1024;

    private final RecvStream stream;
    private final StreamDecoder decoder;
    private final byte[] chunk = new byte[CHUNK];
    private boolean fin;

    MessageReader(RecvStream stream, WireLimits limits) {
        this.stream = stream;
        this.decoder = new StreamDecoder(limits);
    }

    RecvStream stream() {
        return stream;
    }

    /**
     * The next item, or null at a clean FIN. Throws {@link dev.parley.net.moq.wire.DecodeException} for
     * bad bytes or a FIN inside an item.
     */
    <T> T read(Grammar<T> grammar) throws InterruptedException {
        while (true) {
            T item = decoder.poll(grammar);
            if (item != null) {
                return item;
            }
            if (fin) {
                decoder.finish();
                return null;
            }
            if (decoder.pendingRemaining() > 0) { // a large frame's payload: straight into its own array
                fin = decoder.fillPending(stream::read) < 0;
                continue;
            }
            int n = stream.read(chunk, 0, chunk.length);
            if (n < 0) {
                fin = true;
            } else {
                decoder.feed(chunk, 0, n);
            }
        }
    }
}
