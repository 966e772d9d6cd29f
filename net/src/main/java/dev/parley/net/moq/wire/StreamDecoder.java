package dev.parley.net.moq.wire;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongFunction;

import static dev.parley.net.moq.wire.DecodeException.Kind.INVALID_VALUE;
import static dev.parley.net.moq.wire.DecodeException.Kind.SHORT;
import static dev.parley.net.moq.wire.DecodeException.Kind.TOO_LARGE;

/**
 * Buffers the bytes of one stream, however they are split, and cuts them into items with a
 * {@link Grammar}. Declared sizes are checked against {@link WireLimits} before anything is buffered for
 * them, so memory stays at most one item plus one fed chunk. Not thread-safe: one reader per stream.
 *
 * <p>A frame payload of {@link #DIRECT_MIN} bytes or more is assembled in its own final array from the
 * moment its size is known: fed bytes go straight into it, and a reader can fill it from the stream without
 * a chunk in between ({@link #fillPending}). A 20 KB keyframe used to be copied three times on its way
 * from the stream into a frame (chunk, this buffer, the frame's array); now once.
 */
public final class StreamDecoder {
    /** Frame payloads at least this large are assembled in their own array as they arrive. */
    static final int DIRECT_MIN = 1024;

    private final WireLimits limits;
    private byte[] buf = new byte[256];
    private int start;
    private int end;
    // A frame whose header is decoded and whose payload is still arriving, in its final array.
    private byte[] pending;
    private int pendingFilled;
    private long pendingTimestamp;

    /** Where a reader takes stream bytes from, e.g. a receive stream's read. */
    @FunctionalInterface
    public interface Source {
        /** Reads up to {@code len} bytes into {@code dst}; -1 at the end of the stream. */
        int read(byte[] dst, int off, int len) throws InterruptedException;
    }

    public StreamDecoder(WireLimits limits) {
        this.limits = limits;
    }

    public WireLimits limits() {
        return limits;
    }

    /** Appends received bytes. */
    public void feed(byte[] src, int off, int len) {
        if (pending != null) { // the buffer is empty while a payload is pending: its bytes come first
            int take = Math.min(len, pending.length - pendingFilled);
            System.arraycopy(src, off, pending, pendingFilled, take);
            pendingFilled += take;
            off += take;
            len -= take;
            if (len == 0) {
                return;
            }
        }
        if (end + len > buf.length) {
            int live = end - start;
            if (live + len <= buf.length && start > 0) {
                System.arraycopy(buf, start, buf, 0, live);
            } else {
                byte[] bigger = new byte[Math.max(buf.length * 2, live + len)];
                System.arraycopy(buf, start, bigger, 0, live);
                buf = bigger;
            }
            start = 0;
            end = live;
        }
        System.arraycopy(src, off, buf, end, len);
        end += len;
    }

    /** Feeds a chunk and returns every item it completes. */
    public <T> List<T> feed(byte[] src, int off, int len, Grammar<T> grammar) {
        feed(src, off, len);
        List<T> out = new ArrayList<>();
        for (T item; (item = grammar.next(this)) != null; ) {
            out.add(item);
        }
        return out;
    }

    /** The next item, or null when more bytes are needed. */
    public <T> T poll(Grammar<T> grammar) {
        return grammar.next(this);
    }

    /** Bytes received but not yet part of a decoded item. */
    public int buffered() {
        return end - start + pendingFilled;
    }

    /** Payload bytes a frame whose header is decoded still waits for (0: none pending). */
    public int pendingRemaining() {
        return pending == null ? 0 : pending.length - pendingFilled;
    }

    /**
     * One read from {@code source} straight into the pending frame's payload, at most what it still misses.
     * Returns what the read returned (-1 at the end of the stream). Only while {@link #pendingRemaining} > 0.
     */
    public int fillPending(Source source) throws InterruptedException {
        if (pendingRemaining() == 0) {
            throw new IllegalStateException("no frame payload is pending");
        }
        int n = source.read(pending, pendingFilled, pending.length - pendingFilled);
        if (n > 0) {
            pendingFilled += n;
        }
        return n;
    }

    /** Call at FIN: bytes left in the buffer mean the stream ended inside an item. */
    public void finish() {
        if (end > start || pending != null) {
            throw new DecodeException(SHORT, "stream ended inside an item, " + buffered() + " bytes pending");
        }
    }

    /** A varint, or -1 when it is not complete yet. */
    public long tryVarint() {
        int n = varintLength(start);
        if (n < 0) {
            return -1;
        }
        long v = VarInt.read(buf, start);
        start += n;
        return v;
    }

    /** A length-prefixed message, or null when it is not complete yet. */
    public <T> T tryMessage(BodyDecoder<T> decoder) {
        return tryBody(start, decoder);
    }

    /** A typed message ({@code Type Length Body}), or null when it is not complete yet. */
    public <T> T tryTyped(LongFunction<BodyDecoder<? extends T>> decoders) {
        int n = varintLength(start);
        if (n < 0) {
            return null;
        }
        BodyDecoder<? extends T> decoder = decoders.apply(VarInt.read(buf, start));
        return tryBody(start + n, decoder);
    }

    /** A message with a big-endian u16 length (the legacy SETUP layout), or null when it is not complete yet. */
    public <T> T tryU16Message(BodyDecoder<T> decoder) {
        if (end - start < 2) {
            return null;
        }
        int len = ((buf[start] & 0xff) << 8) | (buf[start + 1] & 0xff);
        if (len > limits.maxMessageSize()) {
            throw new DecodeException(TOO_LARGE, "message of " + len + " bytes, limit " + limits.maxMessageSize());
        }
        if (!available(start + 2, len)) {
            return null;
        }
        T msg = Messages.decodeBody(buf, start + 2, len, decoder, limits);
        start += 2 + len;
        return msg;
    }

    /** A size-prefixed frame payload, or null when it is not complete yet. */
    public byte[] tryFrame() {
        Frame f = tryFrame(false, 0);
        return f == null ? null : f.payload();
    }

    /**
     * A frame, or null when it is not complete yet. With {@code timed} (lite-05) a zigzag timestamp
     * delta from {@code previous} precedes the size.
     */
    public Frame tryFrame(boolean timed, long previous) {
        if (pending != null) {
            if (pendingFilled < pending.length) {
                return null;
            }
            Frame f = new Frame(pending, pendingTimestamp);
            pending = null;
            pendingFilled = 0;
            return f;
        }
        int at = start;
        long timestamp = 0;
        if (timed) {
            int t = varintLength(at);
            if (t < 0) {
                return null;
            }
            long delta = Frame.unzigzag(VarInt.read(buf, at));
            timestamp = previous + delta;
            if ((delta >= 0 ? timestamp < previous : timestamp > previous) || timestamp < 0) {
                throw new DecodeException(INVALID_VALUE, "frame timestamp " + previous + " + " + delta + " is out of range");
            }
            at += t;
        }
        int n = varintLength(at);
        if (n < 0) {
            return null;
        }
        long size = VarInt.read(buf, at);
        if (size > limits.maxFrameSize()) {
            throw new DecodeException(TOO_LARGE, "frame of " + size + " bytes, limit " + limits.maxFrameSize());
        }
        int have = end - (at + n);
        if (have < size && size >= DIRECT_MIN) { // assemble it in its own array from now on
            pending = new byte[(int) size];
            System.arraycopy(buf, at + n, pending, 0, have);
            pendingFilled = have;
            pendingTimestamp = timestamp;
            start = 0;
            end = 0;
            return null;
        }
        if (!available(at + n, (int) size)) {
            return null;
        }
        byte[] payload = Arrays.copyOfRange(buf, at + n, at + n + (int) size);
        start = at + n + (int) size;
        return new Frame(payload, timestamp);
    }

    private <T> T tryBody(int at, BodyDecoder<? extends T> decoder) {
        int n = varintLength(at);
        if (n < 0) {
            return null;
        }
        long len = VarInt.read(buf, at);
        if (len > limits.maxMessageSize()) {
            throw new DecodeException(TOO_LARGE, "message of " + len + " bytes, limit " + limits.maxMessageSize());
        }
        if (!available(at + n, (int) len)) {
            return null;
        }
        T msg = Messages.decodeBody(buf, at + n, (int) len, decoder, limits);
        start = at + n + (int) len;
        return msg;
    }

    /** Length of the varint at {@code at}, or -1 if its bytes have not all arrived. */
    private int varintLength(int at) {
        if (pending != null) {
            throw new IllegalStateException("a frame payload is pending: only tryFrame may decode now");
        }
        if (at >= end) {
            return -1;
        }
        int n = VarInt.lengthOf(buf[at]);
        return end - at >= n ? n : -1;
    }

    /** True if {@code len} bytes are buffered at {@code at}; otherwise makes room for them. */
    private boolean available(int at, int len) {
        if (end - at >= len) {
            return true;
        }
        int needed = at - start + len;
        if (needed > buf.length) {
            byte[] bigger = new byte[needed];
            System.arraycopy(buf, start, bigger, 0, end - start);
            end -= start;
            start = 0;
            buf = bigger;
        }
        return false;
    }
}
