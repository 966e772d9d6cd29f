package dev.parley.net.relay;

import dev.parley.net.identity.EndpointId;
import dev.parley.net.identity.Identity;
import dev.parley.net.moq.wire.VarInt;
import dev.parley.net.relay.RelayFrame.ClientAuth;
import dev.parley.net.relay.RelayFrame.ClientToRelayDatagram;
import dev.parley.net.relay.RelayFrame.Datagrams;
import dev.parley.net.relay.RelayFrame.EndpointGone;
import dev.parley.net.relay.RelayFrame.Health;
import dev.parley.net.relay.RelayFrame.Ping;
import dev.parley.net.relay.RelayFrame.Pong;
import dev.parley.net.relay.RelayFrame.RelayToClientDatagram;
import dev.parley.net.relay.RelayFrame.Restarting;
import dev.parley.net.relay.RelayFrame.ServerChallenge;
import dev.parley.net.relay.RelayFrame.ServerConfirmsAuth;
import dev.parley.net.relay.RelayFrame.ServerDeniesAuth;
import dev.parley.net.relay.RelayFrame.Status;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Encodes and decodes {@link RelayFrame}s: QUIC varint type ‖ payload, one frame per binary WebSocket
 * message. Decoding checks every length against {@link #MAX_FRAME_SIZE} and {@link #MAX_PACKET_SIZE} and
 * throws {@link RelayProtocolException} naming what is wrong. A single datagram over
 * {@link #MAX_PACKET_SIZE} still decodes (see {@link #oversize}) so that a relay can drop and count it
 * without closing the connection. Datagram frames come back as retained
 * slices of the input (no copy), which the caller releases with {@link RelayFrame#release()}.
 */
public final class RelayFrameCodec {
    /** The largest datagram payload a frame may carry (iroh's MAX_PACKET_SIZE). */
    public static final int MAX_PACKET_SIZE = 64 * 1024;
    /** The largest frame, type included (iroh's MAX_FRAME_SIZE); larger WebSocket messages fail the connection. */
    public static final int MAX_FRAME_SIZE = 1024 * 1024;
    /** The longest deny reason or health text accepted, in bytes. */
    static final int MAX_TEXT = 4096;
    private static final int ID = EndpointId.LENGTH;

    private RelayFrameCodec() {}

    /** The frame as one buffer; a datagram frame's contents are taken over (released with the result). */
    public static ByteBuf encode(ByteBufAllocator alloc, RelayFrame frame) {
        return switch (frame) {
            case ClientToRelayDatagram d -> datagrams(alloc, d.type(), d.destination(), d.datagrams());
            case RelayToClientDatagram d -> datagrams(alloc, d.type(), d.source(), d.datagrams());
            default -> {
                ByteBuf out = alloc.buffer(64);
                type(out, frame.type());
                switch (frame) {
                    case ServerChallenge c -> out.writeBytes(c.challenge());
                    case ClientAuth a -> {
                        out.writeBytes(a.publicKey().bytes());
                        byte[] sig = a.signature();
                        leb128(out, sig.length);
                        out.writeBytes(sig);
                    }
                    case ServerConfirmsAuth ignored -> { }
                    case ServerDeniesAuth d -> writeText(out, d.reason(), true);
                    case EndpointGone g -> out.writeBytes(g.id().bytes());
                    case Ping p -> out.writeLong(p.data());
                    case Pong p -> out.writeLong(p.data());
                    case Health h -> writeText(out, h.problem(), false);
                    case Restarting r -> out.writeInt((int) r.reconnectInMs()).writeInt((int) r.tryForMs());
                    case Status s -> out.writeByte(s.code());
                    case ClientToRelayDatagram d -> throw new AssertionError(d);
                    case RelayToClientDatagram d -> throw new AssertionError(d);
                }
                yield out;
            }
        };
    }

    /** The header of a datagram frame followed by the datagrams, without copying them. */
    private static ByteBuf datagrams(ByteBufAllocator alloc, int type, EndpointId peer, Datagrams d) {
        ByteBuf head = alloc.buffer(1 + ID + 3);
        type(head, type);
        head.writeBytes(peer.bytes()).writeByte(d.ecn());
        if (d.segmentSize() != 0) {
            head.writeShort(d.segmentSize());
        }
        CompositeByteBuf out = alloc.compositeBuffer(2);
        return out.addComponents(true, head, d.contents());
    }

    /** Decodes one whole frame; the input's reader index moves to its end. Never returns null. */
    public static RelayFrame decode(ByteBuf in) {
        int size = in.readableBytes();
        if (size > MAX_FRAME_SIZE) {
            throw new RelayProtocolException("frame of " + size + " bytes exceeds the 1 MiB limit");
        }
        if (size == 0) {
            throw new RelayProtocolException("empty frame");
        }
        int len = VarInt.lengthOf(in.getByte(in.readerIndex()));
        need(in, len, "frame type");
        byte[] raw = new byte[len];
        in.readBytes(raw);
        long type = VarInt.read(raw, 0);
        if (len != VarInt.size(type)) {
            // one frame, one encoding: a padded type would re-encode to other bytes (every encoder writes one byte)
            throw new RelayProtocolException("frame type " + type + " is not minimally encoded (" + len + " bytes)");
        }
        RelayFrame frame = switch ((int) Math.min(type, Integer.MAX_VALUE)) {
            case 0 -> new ServerChallenge(bytes(in, ServerChallenge.LENGTH, "challenge"));
            case 1 -> {
                EndpointId key = id(in, "client key");
                long sigLen = leb128(in, "signature length");
                if (sigLen != Identity.SIGNATURE_LENGTH) {
                    throw new RelayProtocolException("a signature is 64 bytes, got " + sigLen);
                }
                yield new ClientAuth(key, bytes(in, Identity.SIGNATURE_LENGTH, "signature"));
            }
            case 2 -> new ServerConfirmsAuth();
            case 3 -> new ServerDeniesAuth(text(in, "deny reason", true));
            case 4, 5 -> new ClientToRelayDatagram(id(in, "destination"), datagrams(in, type == 5));
            case 6, 7 -> new RelayToClientDatagram(id(in, "source"), datagrams(in, type == 7));
            case 8 -> new EndpointGone(id(in, "gone endpoint"));
            case 9 -> new Ping(u64(in, "ping"));
            case 10 -> new Pong(u64(in, "pong"));
            case 11 -> new Health(text(in, "health", false));
            case 12 -> {
                need(in, 8, "restart times");
                yield new Restarting(in.readUnsignedInt(), in.readUnsignedInt());
            }
            case 13 -> {
                need(in, 1, "status");
                int code = in.readUnsignedByte();
                if (code > Status.SAME_ENDPOINT_ID_CONNECTED) {
                    throw new RelayProtocolException("unknown status " + code);
                }
                yield new Status(code);
            }
            default -> throw new RelayProtocolException("unknown frame type " + type);
        };
        if (in.isReadable()) {
            int extra = in.readableBytes();
            frame.release();
            throw new RelayProtocolException("frame type " + type + " has " + extra + " trailing bytes");
        }
        return frame;
    }

    /** True for a single datagram over {@link #MAX_PACKET_SIZE}, which must not be forwarded or sent. */
    public static boolean oversize(Datagrams d) {
        return d.segmentSize() == 0 && d.contents().readableBytes() > MAX_PACKET_SIZE;
    }

    private static Datagrams datagrams(ByteBuf in, boolean batch) {
        need(in, batch ? 3 : 1, "datagram header");
        int ecn = in.readUnsignedByte();
        if (ecn > 3) {
            throw new RelayProtocolException("ECN codepoint " + ecn + " is not 0-3");
        }
        int segment = 0;
        if (batch) {
            segment = in.readUnsignedShort();
            if (segment == 0) {
                throw new RelayProtocolException("a batch's segment size is 0");
            }
        }
        int n = in.readableBytes();
        if (n == 0) {
            throw new RelayProtocolException("empty datagram");
        }
        return new Datagrams(ecn, segment, in.readRetainedSlice(n));
    }

    private static void type(ByteBuf out, int type) {
        out.writeByte(type); // every type is < 64: a one-byte varint
    }

    private static EndpointId id(ByteBuf in, String what) {
        return EndpointId.of(bytes(in, ID, what));
    }

    private static byte[] bytes(ByteBuf in, int n, String what) {
        need(in, n, what);
        byte[] out = new byte[n];
        in.readBytes(out);
        return out;
    }

    private static long u64(ByteBuf in, String what) {
        need(in, 8, what);
        return in.readLong();
    }

    private static void need(ByteBuf in, int n, String what) {
        if (in.readableBytes() < n) {
            throw new RelayProtocolException("truncated " + what + ": needs " + n + " bytes, " + in.readableBytes() + " left");
        }
    }

    /** Postcard strings are LEB128-length-prefixed; v1 health text is raw UTF-8. */
    private static void writeText(ByteBuf out, String s, boolean prefixed) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        if (prefixed) {
            leb128(out, utf8.length);
        }
        out.writeBytes(utf8);
    }

    private static String text(ByteBuf in, String what, boolean prefixed) {
        long n = prefixed ? leb128(in, what + " length") : in.readableBytes();
        if (n > MAX_TEXT) {
            throw new RelayProtocolException(what + " of " + n + " bytes is too long");
        }
        byte[] utf8 = bytes(in, (int) n, what);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(utf8)).toString();
        } catch (CharacterCodingException e) {
            throw new RelayProtocolException(what + " is not valid UTF-8");
        }
    }

    // Postcard's unsigned LEB128 (string and byte-string lengths), here for lengths up to 2^32.
    private static void leb128(ByteBuf out, int v) {
        while ((v & ~0x7f) != 0) {
            out.writeByte((v & 0x7f) | 0x80);
            v >>>= 7;
        }
        out.writeByte(v);
    }

    private static long leb128(ByteBuf in, String what) {
        long v = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            need(in, 1, what);
            int b = in.readUnsignedByte();
            v |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                if (b == 0 && shift > 0) { // 86 00 is 6 padded: it would re-encode as 06 (one frame, one encoding)
                    throw new RelayProtocolException(what + " is not minimally encoded");
                }
                return v;
            }
        }
        throw new RelayProtocolException(what + " is not a u32 varint");
    }
}
