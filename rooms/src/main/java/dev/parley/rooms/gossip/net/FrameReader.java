package dev.parley.rooms.gossip.net;

import dev.parley.net.transport.RecvStream;
import dev.parley.rooms.gossip.wire.Frames;

import java.util.Arrays;

/** Reads {@code u32}-length frames from a blocking stream, refusing lengths over the limit before allocating. */
final class FrameReader {
    private final RecvStream stream;
    private final int maxMessageSize;
    private final byte[] lengthBuf = new byte[4];

    FrameReader(RecvStream stream, int maxMessageSize) {
        this.stream = stream;
        this.maxMessageSize = maxMessageSize;
    }

    /** The next frame's body, or null at a clean end of stream (FIN between frames). */
    byte[] next() throws InterruptedException {
        if (!readFully(lengthBuf, true)) {
            return null;
        }
        long len = ((lengthBuf[0] & 0xFFL) << 24) | ((lengthBuf[1] & 0xFF) << 16) | ((lengthBuf[2] & 0xFF) << 8) | (lengthBuf[3] & 0xFF);
        byte[] body = new byte[Frames.checkLength(len, maxMessageSize)];
        if (!readFully(body, false)) {
            throw new TruncatedException();
        }
        return body;
    }

    private boolean readFully(byte[] dst, boolean eofAllowedAtStart) throws InterruptedException {
        int off = 0;
        while (off < dst.length) {
            int n = stream.read(dst, off, dst.length - off);
            if (n < 0) {
                if (off == 0 && eofAllowedAtStart) {
                    return false;
                }
                throw new TruncatedException();
            }
            off += n;
        }
        return dst.length >= 0;
    }

    /** The stream ended inside a frame. */
    static final class TruncatedException extends RuntimeException {
        TruncatedException() {
            super("gossip stream ended inside a frame");
        }
    }

    @Override
    public String toString() {
        return "FrameReader" + Arrays.toString(lengthBuf);
    }
}
