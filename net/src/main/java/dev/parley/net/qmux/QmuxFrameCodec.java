package dev.parley.net.qmux;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;

import java.nio.charset.StandardCharsets;

/** Encodes and decodes single qmux-00 frames. Decoding never throws anything but {@link QmuxProtocolException}. */
public final class QmuxFrameCodec {
    private static final int MAX_REASON = 1024;

    private QmuxFrameCodec() {}

    /** Decodes the one frame that fills {@code msg} (a whole WebSocket message); trailing bytes are an error. */
    public static QmuxFrame decode(ByteBuf msg) {
        if (msg.readableBytes() > QmuxFrame.MAX_FRAME_SIZE) {
            throw QmuxProtocolException.encoding("message of " + msg.readableBytes() + " bytes exceeds "
                    + QmuxFrame.MAX_FRAME_SIZE);
        }
        long type = QmuxVarInt.read(msg, "frame type");
        QmuxFrame frame;
        if (type >= 0x08 && type <= 0x0f) {
            frame = decodeStream(msg, type);
        } else if (type == QmuxFrame.TRANSPORT_PARAMETERS_TYPE) {
            frame = new QmuxFrame.Parameters(decodeParameters(msg));
        } else {
            frame = switch ((int) Math.min(type, Integer.MAX_VALUE)) {
                case 0x04 -> new QmuxFrame.ResetStream(streamId(msg), QmuxVarInt.read(msg, "error code"),
                        QmuxVarInt.read(msg, "final size"));
                case 0x05 -> new QmuxFrame.StopSending(streamId(msg), QmuxVarInt.read(msg, "error code"));
                case 0x10 -> new QmuxFrame.MaxData(QmuxVarInt.read(msg, "maximum data"));
                case 0x11 -> new QmuxFrame.MaxStreamData(streamId(msg), QmuxVarInt.read(msg, "maximum stream data"));
                case 0x12 -> new QmuxFrame.MaxStreams(true, streamCount(msg));
                case 0x13 -> new QmuxFrame.MaxStreams(false, streamCount(msg));
                case 0x14 -> new QmuxFrame.DataBlocked(QmuxVarInt.read(msg, "limit"));
                case 0x15 -> new QmuxFrame.StreamDataBlocked(streamId(msg), QmuxVarInt.read(msg, "limit"));
                case 0x16 -> new QmuxFrame.StreamsBlocked(true, streamCount(msg));
                case 0x17 -> new QmuxFrame.StreamsBlocked(false, streamCount(msg));
                case 0x1c -> decodeClose(msg, true, false);
                case 0x1d -> decodeApplicationClose(msg);
                default -> throw QmuxProtocolException.encoding("unknown frame type 0x" + Long.toHexString(type));
            };
        }
        if (msg.isReadable()) {
            throw QmuxProtocolException.encoding(msg.readableBytes() + " trailing bytes after " + frame.getClass().getSimpleName());
        }
        return frame;
    }

    private static long streamId(ByteBuf msg) {
        return QmuxVarInt.read(msg, "stream id");
    }

    private static long streamCount(ByteBuf msg) {
        long n = QmuxVarInt.read(msg, "stream count");
        if (n > (1L << 60)) {
            throw QmuxProtocolException.encoding("stream count " + n + " above 2^60");
        }
        return n;
    }

    private static QmuxFrame.Stream decodeStream(ByteBuf msg, long type) {
        long id = streamId(msg);
        long offset = (type & 0x04) != 0 ? QmuxVarInt.read(msg, "offset") : 0;
        int len;
        if ((type & 0x02) != 0) {
            long l = QmuxVarInt.read(msg, "length");
            if (l > msg.readableBytes()) {
                throw QmuxProtocolException.encoding("STREAM length " + l + " exceeds the " + msg.readableBytes()
                        + " bytes left in the message");
            }
            len = (int) l;
        } else {
            len = msg.readableBytes();
        }
        if (offset + len > QmuxVarInt.MAX) {
            throw new QmuxProtocolException(QmuxProtocolException.FLOW_CONTROL_ERROR, "STREAM offset + length above 2^62");
        }
        byte[] data = new byte[len];
        msg.readBytes(data);
        return new QmuxFrame.Stream(id, offset, data, (type & 0x01) != 0);
    }

    private static TransportParameters decodeParameters(ByteBuf msg) {
        long total = QmuxVarInt.read(msg, "transport parameters length");
        if (total != msg.readableBytes()) {
            throw QmuxProtocolException.encoding("transport parameters length " + total + " but " + msg.readableBytes()
                    + " bytes follow");
        }
        long[] v = new long[10];
        while (msg.isReadable()) {
            long id = QmuxVarInt.read(msg, "transport parameter id");
            long len = QmuxVarInt.read(msg, "transport parameter length");
            if (len > msg.readableBytes()) {
                throw QmuxProtocolException.encoding("transport parameter 0x" + Long.toHexString(id) + " truncated");
            }
            ByteBuf value = msg.readSlice((int) len);
            if (id >= TransportParameters.MAX_DATA && id <= TransportParameters.STREAMS_UNI) {
                long x = QmuxVarInt.read(value, "transport parameter value");
                if (value.isReadable()) {
                    throw new QmuxProtocolException(QmuxProtocolException.TRANSPORT_PARAMETER_ERROR,
                            "transport parameter 0x" + Long.toHexString(id) + " has trailing bytes");
                }
                if ((id == TransportParameters.STREAMS_BIDI || id == TransportParameters.STREAMS_UNI) && x > (1L << 60)) {
                    throw new QmuxProtocolException(QmuxProtocolException.TRANSPORT_PARAMETER_ERROR, "stream limit above 2^60");
                }
                v[(int) id] = x;
            }
            // Other ids (idle timeout, datagram size, qmux-01 record size, grease) are ignored.
        }
        return new TransportParameters(v[4], v[5], v[6], v[7], v[8], v[9]);
    }

    private static QmuxFrame.ConnectionClose decodeClose(ByteBuf msg, boolean withFrameType, boolean application) {
        long code = QmuxVarInt.read(msg, "error code");
        long frameType = withFrameType ? QmuxVarInt.read(msg, "frame type") : 0;
        long len = QmuxVarInt.read(msg, "reason length");
        if (len != msg.readableBytes()) {
            throw QmuxProtocolException.encoding("close reason length " + len + " but " + msg.readableBytes() + " bytes follow");
        }
        String reason = msg.readCharSequence((int) Math.min(len, MAX_REASON), StandardCharsets.UTF_8).toString();
        msg.skipBytes(msg.readableBytes());
        return new QmuxFrame.ConnectionClose(code, frameType, reason, application);
    }

    /** Rust writes {@code code, len, reason}; the JavaScript client adds a frame type: accept whichever parses exactly. */
    private static QmuxFrame.ConnectionClose decodeApplicationClose(ByteBuf msg) {
        int start = msg.readerIndex();
        try {
            return decodeClose(msg, false, true);
        } catch (QmuxProtocolException e) {
            msg.readerIndex(start);
            return decodeClose(msg, true, true);
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
        ByteBuf header = alloc.buffer(1 + 8 + 8 + 4);
        int type = 0x0a | (offset != 0 ? 0x04 : 0) | (fin ? 0x01 : 0);
        QmuxVarInt.write(header, type);
        QmuxVarInt.write(header, id);
        if (offset != 0) {
            QmuxVarInt.write(header, offset);
        }
        QmuxVarInt.write(header, data.readableBytes());
        if (!data.isReadable()) {
            data.release();
            return header;
        }
        return alloc.compositeBuffer(2).addComponents(true, header, data);
    }

    private static void varints(ByteBuf out, long... values) {
        for (long v : values) {
            QmuxVarInt.write(out, v);
        }
    }

    private static void encodeParameters(ByteBuf out, TransportParameters p) {
        ByteBuf body = Unpooled.buffer(64);
        long[] values = {p.initialMaxData(), p.initialMaxStreamDataBidiLocal(), p.initialMaxStreamDataBidiRemote(),
                p.initialMaxStreamDataUni(), p.initialMaxStreamsBidi(), p.initialMaxStreamsUni()};
        for (int i = 0; i < values.length; i++) {
            if (values[i] != 0) {
                varints(body, TransportParameters.MAX_DATA + i, QmuxVarInt.size(values[i]), values[i]);
            }
        }
        QmuxVarInt.write(out, QmuxFrame.TRANSPORT_PARAMETERS_TYPE);
        QmuxVarInt.write(out, body.readableBytes());
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
