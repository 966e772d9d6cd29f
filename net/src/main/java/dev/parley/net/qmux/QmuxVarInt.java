package dev.parley.net.qmux;

import io.netty.buffer.ByteBuf;

/** QUIC variable-length integers (RFC 9000 §16): minimal encoding out, any length in. */
final class QmuxVarInt {
    static final long MAX = (1L << 62) - 1;

    private QmuxVarInt() {}

    static int size(long v) {
        if (v < 0 || v > MAX) {
            throw new IllegalArgumentException("varint out of range: " + v);
        }
        return v < 0x40 ? 1 : v < 0x4000 ? 2 : v < 0x4000_0000L ? 4 : 8;
    }

    static void write(ByteBuf out, long v) {
        switch (size(v)) {
            case 1 -> out.writeByte((int) v);
            case 2 -> out.writeShort((int) (v | 0x4000));
            case 4 -> out.writeInt((int) (v | 0x8000_0000L));
            default -> out.writeLong(v | 0xC000_0000_0000_0000L);
        }
    }

    /** Reads one varint or throws {@link QmuxProtocolException} when the buffer ends inside it. */
    static long read(ByteBuf in, String what) {
        if (!in.isReadable()) {
            throw QmuxProtocolException.encoding("truncated " + what);
        }
        int first = in.getUnsignedByte(in.readerIndex());
        int len = 1 << (first >> 6);
        if (in.readableBytes() < len) {
            throw QmuxProtocolException.encoding("truncated " + what);
        }
        return switch (len) {
            case 1 -> in.readUnsignedByte() & 0x3f;
            case 2 -> in.readUnsignedShort() & 0x3fff;
            case 4 -> in.readUnsignedInt() & 0x3fff_ffffL;
            default -> in.readLong() & 0x3fff_ffff_ffff_ffffL;
        };
    }
}
