package dev.parley.net.qmux;

import dev.parley.net.moq.wire.VarInt;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Encodes and decodes QMux frames (qmux-00 single frames, qmux-01/02 records). Decoding never throws anything but {@link QmuxProtocolException}. */
public final class QmuxFrameCodec {
    private static final int MAX_REASON = 1024;

    private QmuxFrameCodec() {}

    /** Decodes the one frame that fills {@code msg} (a whole qmux-00 WebSocket message); trailing bytes are an error. */
    public static QmuxFrame decode(ByteBuf msg) {
        if (msg.readableBytes() > QmuxFrame.MAX_FRAME_SIZE) {
            throw QmuxProtocolException.encoding("message of " + msg.readableBytes() + " bytes exceeds "
                    + QmuxFrame.MAX_FRAME_SIZE);
        }
        QmuxFrame frame = decodeOne(msg, false);
        if (msg.isReadable()) {
            throw QmuxProtocolException.encoding(msg.readableBytes() + " trailing bytes after " + frame.getClass().getSimpleName());
        }
        return frame;
    }

    /**
     * Decodes the frames of one qmux-01/02 record (a whole WebSocket message) in order, PADDING dropped;
     * a record above {@link QmuxFrame#DEFAULT_MAX_RECORD_SIZE} (the limit Parley advertises) is an error.
     */
    public static List<QmuxFrame> decodeRecord(ByteBuf msg) {
        if (msg.readableBytes() > QmuxFrame.DEFAULT_MAX_RECORD_SIZE) {
            throw QmuxProtocolException.encoding("record of " + msg.readableBytes() + " bytes exceeds max_record_size "
                    + QmuxFrame.DEFAULT_MAX_RECORD_SIZE);
        }
        List<QmuxFrame> frames = new ArrayList<>(2);
        while (msg.isReadable()) {
            if (msg.getByte(msg.readerIndex()) == 0) { // PADDING: a one-byte frame type 0
                msg.skipBytes(1);
                continue;
            }
            frames.add(decodeOne(msg, true));
        }
        return frames;
    }

    private static QmuxFrame decodeOne(ByteBuf msg, boolean record) {
        long type = readVarint(msg, "frame type");
        if (type >= 0x08 && type <= 0x0f) {
            return decodeStream(msg, type);
        }
        if (type == QmuxFrame.TRANSPORT_PARAMETERS_TYPE) {
            return new QmuxFrame.Parameters(decodeParameters(msg, !record));
        }
        if (record && (type == QmuxFrame.PING_REQUEST_TYPE || type == QmuxFrame.PING_RESPONSE_TYPE)) {
            return new QmuxFrame.Ping(type == QmuxFrame.PING_RESPONSE_TYPE, readVarint(msg, "ping sequence"));
        }
        return switch ((int) Math.min(type, Integer.MAX_VALUE)) {
            case 0x04 -> new QmuxFrame.ResetStream(streamId(msg), readVarint(msg, "error code"),
                    readVarint(msg, "final size"));
            case 0x05 -> new QmuxFrame.StopSending(streamId(msg), readVarint(msg, "error code"));
            case 0x10 -> new QmuxFrame.MaxData(readVarint(msg, "maximum data"));
            case 0x11 -> new QmuxFrame.MaxStreamData(streamId(msg), readVarint(msg, "maximum stream data"));
            case 0x12 -> new QmuxFrame.MaxStreams(true, streamCount(msg));
            case 0x13 -> new QmuxFrame.MaxStreams(false, streamCount(msg));
            case 0x14 -> new QmuxFrame.DataBlocked(readVarint(msg, "limit"));
            case 0x15 -> new QmuxFrame.StreamDataBlocked(streamId(msg), readVarint(msg, "limit"));
            case 0x16 -> new QmuxFrame.StreamsBlocked(true, streamCount(msg));
            case 0x17 -> new QmuxFrame.StreamsBlocked(false, streamCount(msg));
            case 0x1c -> decodeClose(msg, true, false, !record);
            case 0x1d -> record ? decodeClose(msg, false, true, false) : decodeApplicationClose(msg);
            case 0x24 -> {
                if (!record) {
                    throw QmuxProtocolException.encoding("unknown frame type 0x24");
                }
                QmuxFrame.ResetStreamAt r = new QmuxFrame.ResetStreamAt(streamId(msg), readVarint(msg, "error code"),
                        readVarint(msg, "final size"), readVarint(msg, "reliable size"));
                if (r.reliableSize() > r.finalSize()) {
                    throw QmuxProtocolException.encoding("RESET_STREAM_AT reliable size " + r.reliableSize()
                            + " above the final size " + r.finalSize());
                }
                yield r;
            }
            case 0x30, 0x31 -> {
                if (!record) {
                    throw QmuxProtocolException.encoding("unknown frame type 0x" + Long.toHexString(type));
                }
                long len = type == 0x31 ? readVarint(msg, "datagram length") : msg.readableBytes();
                if (len > msg.readableBytes()) {
                    throw QmuxProtocolException.encoding("DATAGRAM length " + len + " exceeds the record");
                }
                msg.skipBytes((int) len);
                yield new QmuxFrame.Datagram((int) len);
            }
            default -> throw QmuxProtocolException.encoding("unknown frame type 0x" + Long.toHexString(type));
        };
    }

    private static long streamId(ByteBuf msg) {
        return readVarint(msg, "stream id");
    }

    private static long streamCount(ByteBuf msg) {
        long n = readVarint(msg, "stream count");
        if (n > (1L << 60)) {
            throw QmuxProtocolException.encoding("stream count " + n + " above 2^60");
        }
        return n;
    }

    private static QmuxFrame.Stream decodeStream(ByteBuf msg, long type) {
        long id = streamId(msg);
        long offset = (type & 0x04) != 0 ? readVarint(msg, "offset") : 0;
        int len;
        if ((type & 0x02) != 0) {
            long l = readVarint(msg, "length");
            if (l > msg.readableBytes()) {
                throw QmuxProtocolException.encoding("STREAM length " + l + " exceeds the " + msg.readableBytes()
                        + " bytes left in the message");
            }
            len = (int) l;
        } else {
            len = msg.readableBytes();
        }
        if (offset + len > VarInt.MAX) {
            throw new QmuxProtocolException(QmuxProtocolException.FLOW_CONTROL_ERROR, "STREAM offset + length above 2^62");
        }
        byte[] data = new byte[len];
        msg.readBytes(data);
        return new QmuxFrame.Stream(id, offset, data, (type & 0x01) != 0);
    }

    private static TransportParameters decodeParameters(ByteBuf msg, boolean exact) {
        long total = readVarint(msg, "transport parameters length");
        if (exact ? total != msg.readableBytes() : total > msg.readableBytes()) {
            throw QmuxProtocolException.encoding("transport parameters length " + total + " but " + msg.readableBytes()
                    + " bytes follow");
        }
        return decodeParameterList(msg.readSlice((int) total));
    }

    private static TransportParameters decodeParameterList(ByteBuf msg) {
        long[] v = new long[10];
        Set<Long> seen = new HashSet<>();
        while (msg.isReadable()) {
            long id = readVarint(msg, "transport parameter id");
            long len = readVarint(msg, "transport parameter length");
            if (len > msg.readableBytes()) {
                throw QmuxProtocolException.encoding("transport parameter 0x" + Long.toHexString(id) + " truncated");
            }
            ByteBuf value = msg.readSlice((int) len);
            boolean known = (id >= TransportParameters.MAX_DATA && id <= TransportParameters.STREAMS_UNI)
                    || id == TransportParameters.IDLE_TIMEOUT || id == TransportParameters.DATAGRAM_SIZE
                    || id == TransportParameters.MAX_RECORD_SIZE || id == TransportParameters.RESET_STREAM_AT
                    || id == TransportParameters.APPLICATION_PROTOCOLS;
            if (known && !seen.add(id)) {
                throw parameterError("transport parameter 0x" + Long.toHexString(id) + " repeated");
            }
            if (id == 0x00 || id == 0x02 || id == 0x03 || (id >= 0x0a && id <= 0x10)) {
                throw parameterError("QUIC transport parameter 0x" + Long.toHexString(id) + " is not allowed in QMux");
            }
            if (id == TransportParameters.APPLICATION_PROTOCOLS) {
                throw parameterError("application_protocols over WebSocket (the subprotocol names the app protocol)");
            }
            if (id == TransportParameters.RESET_STREAM_AT) {
                if (len != 0) {
                    throw parameterError("reset_stream_at must be empty");
                }
                continue;
            }
            if (!known) {
                continue; // grease and extensions
            }
            long x = readVarint(value, "transport parameter value");
            if (value.isReadable()) {
                throw parameterError("transport parameter 0x" + Long.toHexString(id) + " has trailing bytes");
            }
            if ((id == TransportParameters.STREAMS_BIDI || id == TransportParameters.STREAMS_UNI) && x > (1L << 60)) {
                throw parameterError("stream limit above 2^60");
            }
            if (id == TransportParameters.MAX_RECORD_SIZE && x < QmuxFrame.DEFAULT_MAX_RECORD_SIZE) {
                throw parameterError("max_record_size " + x + " below the minimum " + QmuxFrame.DEFAULT_MAX_RECORD_SIZE);
            }
            if (id >= TransportParameters.MAX_DATA && id <= TransportParameters.STREAMS_UNI) {
                v[(int) id] = x;
            }
            // Idle timeout and datagram size are read and dropped: Parley runs its own idle timer (WebSocket
            // pings) and sends no datagrams; every frame it sends fits the smallest max_record_size.
        }
        return new TransportParameters(v[4], v[5], v[6], v[7], v[8], v[9]);
    }

    private static QmuxProtocolException parameterError(String message) {
        return new QmuxProtocolException(QmuxProtocolException.TRANSPORT_PARAMETER_ERROR, message);
    }

    private static QmuxFrame.ConnectionClose decodeClose(ByteBuf msg, boolean withFrameType, boolean application,
                                                         boolean exact) {
        long code = readVarint(msg, "error code");
        long frameType = withFrameType ? readVarint(msg, "frame type") : 0;
        long len = readVarint(msg, "reason length");
        if (exact ? len != msg.readableBytes() : len > msg.readableBytes()) {
            throw QmuxProtocolException.encoding("close reason length " + len + " but " + msg.readableBytes() + " bytes follow");
        }
        String reason = msg.readCharSequence((int) Math.min(len, MAX_REASON), StandardCharsets.UTF_8).toString();
        msg.skipBytes((int) len - (int) Math.min(len, MAX_REASON));
        return new QmuxFrame.ConnectionClose(code, frameType, reason, application);
    }

    /** Rust writes {@code code, len, reason}; the JavaScript client adds a frame type: accept whichever parses exactly. */
    private static QmuxFrame.ConnectionClose decodeApplicationClose(ByteBuf msg) {
        int start = msg.readerIndex();
        try {
            return decodeClose(msg, false, true, true);
        } catch (QmuxProtocolException e) {
            msg.readerIndex(start);
            return decodeClose(msg, true, true, true);
        }
    }

    /** Encodes a frame that carries no stream payload, or a STREAM frame (copied). */
    public static ByteBuf encode(ByteBufAllocator alloc, QmuxFrame frame) {
        if (frame instanceof QmuxFrame.Stream s) {
            return encodeStream(alloc, s.streamId(), s.offset(), Unpooled.wrappedBuffer(s.data()), s.fin());
        }
        ByteBuf out = alloc.buffer(32);
        switch (frame) {
            case QmuxFrame.Parameters p -> encodeParameters(out, p.params());
            case QmuxFrame.ResetStream r -> varints(out, 0x04, r.streamId(), r.code(), r.finalSize());
            case QmuxFrame.StopSending s -> varints(out, 0x05, s.streamId(), s.code());
            case QmuxFrame.MaxData m -> varints(out, 0x10, m.max());
            case QmuxFrame.MaxStreamData m -> varints(out, 0x11, m.streamId(), m.max());
            case QmuxFrame.MaxStreams m -> varints(out, m.bidi() ? 0x12 : 0x13, m.max());
            case QmuxFrame.DataBlocked d -> varints(out, 0x14, d.limit());
            case QmuxFrame.StreamDataBlocked d -> varints(out, 0x15, d.streamId(), d.limit());
            case QmuxFrame.StreamsBlocked b -> varints(out, b.bidi() ? 0x16 : 0x17, b.limit());
            case QmuxFrame.ConnectionClose c -> encodeClose(out, c);
            case QmuxFrame.ResetStreamAt r -> varints(out, 0x24, r.streamId(), r.code(), r.finalSize(), r.reliableSize());
            case QmuxFrame.Ping p -> varints(out, p.response() ? QmuxFrame.PING_RESPONSE_TYPE : QmuxFrame.PING_REQUEST_TYPE,
                    p.sequence());
            case QmuxFrame.Datagram d -> {
                varints(out, 0x31, d.length());
                out.writeZero(d.length());
            }
            case QmuxFrame.Stream s -> throw new AssertionError("handled above");
        }
        return out;
    }

    /**
     * A STREAM frame around {@code data} without copying it: the OFF bit only when the offset is
     * non-zero (0x0a/0x0b like the JavaScript client, 0x0e/0x0f otherwise), LEN always.
     */
    public static ByteBuf encodeStream(ByteBufAllocator alloc, long id, long offset, ByteBuf data, boolean fin) {
        if (data.readableBytes() > QmuxFrame.MAX_STREAM_PAYLOAD) {
            data.release();
            throw new IllegalArgumentException("STREAM payload above " + QmuxFrame.MAX_STREAM_PAYLOAD);
        }
        ByteBuf header = alloc.buffer(STREAM_HEADER_MAX);
        writeStreamHeader(header, id, offset, data.readableBytes(), fin);
        if (!data.isReadable()) {
            data.release();
            return header;
        }
        return alloc.compositeBuffer(2).addComponents(true, header, data);
    }

    /** The most bytes {@link #writeStreamHeader} writes. */
    static final int STREAM_HEADER_MAX = 1 + 8 + 8 + 4;

    /** A STREAM frame's type, id, offset (only when non-zero) and length, ahead of {@code length} bytes of data. */
    static void writeStreamHeader(ByteBuf out, long id, long offset, int length, boolean fin) {
        int type = 0x0a | (offset != 0 ? 0x04 : 0) | (fin ? 0x01 : 0);
        writeVarint(out, type);
        writeVarint(out, id);
        if (offset != 0) {
            writeVarint(out, offset);
        }
        writeVarint(out, length);
    }

    /** Writes the minimal form of {@code v}. */
    static void writeVarint(ByteBuf out, long v) {
        long tagged = VarInt.tagged(v);
        switch (VarInt.size(v)) {
            case 1 -> out.writeByte((int) tagged);
            case 2 -> out.writeShort((int) tagged);
            case 4 -> out.writeInt((int) tagged);
            default -> out.writeLong(tagged);
        }
    }

    /** Reads one varint of any length, or throws {@link QmuxProtocolException} when the buffer ends inside it. */
    static long readVarint(ByteBuf in, String what) {
        if (!in.isReadable()) {
            throw QmuxProtocolException.encoding("truncated " + what);
        }
        int n = VarInt.lengthOf(in.getByte(in.readerIndex()));
        if (in.readableBytes() < n) {
            throw QmuxProtocolException.encoding("truncated " + what);
        }
        long raw = switch (n) {
            case 1 -> in.readUnsignedByte();
            case 2 -> in.readUnsignedShort();
            case 4 -> in.readUnsignedInt();
            default -> in.readLong();
        };
        return VarInt.untag(raw, n);
    }

    private static void varints(ByteBuf out, long... values) {
        for (long v : values) {
            writeVarint(out, v);
        }
    }

    private static void encodeParameters(ByteBuf out, TransportParameters p) {
        ByteBuf body = Unpooled.buffer(64);
        long[] values = {p.initialMaxData(), p.initialMaxStreamDataBidiLocal(), p.initialMaxStreamDataBidiRemote(),
                p.initialMaxStreamDataUni(), p.initialMaxStreamsBidi(), p.initialMaxStreamsUni()};
        for (int i = 0; i < values.length; i++) {
            if (values[i] != 0) {
                varints(body, TransportParameters.MAX_DATA + i, VarInt.size(values[i]), values[i]);
            }
        }
        writeVarint(out, QmuxFrame.TRANSPORT_PARAMETERS_TYPE);
        writeVarint(out, body.readableBytes());
        out.writeBytes(body);
        body.release();
    }

    private static void encodeClose(ByteBuf out, QmuxFrame.ConnectionClose c) {
        byte[] reason = c.reason().getBytes(StandardCharsets.UTF_8);
        int len = Math.min(reason.length, MAX_REASON);
        // Always 0x1c: both the JavaScript and the Rust implementations parse it identically.
        varints(out, 0x1c, c.code(), c.frameType(), len);
        out.writeBytes(reason, 0, len);
    }
}
