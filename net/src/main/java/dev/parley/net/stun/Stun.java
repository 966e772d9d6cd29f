package dev.parley.net.stun;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Optional;

/**
 * STUN Binding (RFC 8489) as far as address discovery needs it: requests, success responses with
 * XOR-MAPPED-ADDRESS (IPv4 and IPv6; plain MAPPED-ADDRESS is read as a fallback from old servers), and
 * the check that tells a STUN packet from QUIC or disco on a shared socket. Parsers never throw and
 * never move the buffer's reader index; anything malformed is {@link Optional#empty()}.
 */
public final class Stun {
    public static final int MAGIC_COOKIE = 0x2112A442;
    public static final int HEADER = 20;
    public static final int TX_ID_LENGTH = 12;
    static final int BINDING_REQUEST = 0x0001;
    static final int BINDING_SUCCESS = 0x0101;
    static final int ATTR_MAPPED_ADDRESS = 0x0001;
    static final int ATTR_XOR_MAPPED_ADDRESS = 0x0020;
    static final int ATTR_SOFTWARE = 0x8022;

    private Stun() {}

    /** A Binding success: the transaction it answers and the address the server saw the request come from. */
    public record BindingResponse(byte[] txId, InetSocketAddress mapped) {
        public BindingResponse {
            txId = txId.clone();
        }

        @Override public byte[] txId() { return txId.clone(); }
        @Override public boolean equals(Object o) {
            return o instanceof BindingResponse r && Arrays.equals(txId, r.txId) && mapped.equals(r.mapped);
        }
        @Override public int hashCode() { return Arrays.hashCode(txId) * 31 + mapped.hashCode(); }
    }

    /** True when the readable bytes start like a STUN message: top two bits 00, the magic cookie, a 20-byte header. */
    public static boolean isStun(ByteBuf buf) {
        int at = buf.readerIndex();
        return buf.readableBytes() >= HEADER && (buf.getByte(at) & 0xC0) == 0 && buf.getInt(at + 4) == MAGIC_COOKIE;
    }

    /** A Binding request without attributes. */
    public static ByteBuf bindingRequest(ByteBufAllocator alloc, byte[] txId12) {
        checkTxId(txId12);
        return alloc.buffer(HEADER).writeShort(BINDING_REQUEST).writeShort(0).writeInt(MAGIC_COOKIE).writeBytes(txId12);
    }

    /** The transaction id of a well-formed Binding request, or empty. */
    public static Optional<byte[]> parseBindingRequest(ByteBuf buf) {
        if (!wellFormed(buf) || buf.getUnsignedShort(buf.readerIndex()) != BINDING_REQUEST) {
            return Optional.empty();
        }
        return Optional.of(txId(buf));
    }

    /** A Binding success response for {@code txId} carrying XOR-MAPPED-ADDRESS = {@code mapped}. */
    public static ByteBuf bindingResponse(ByteBufAllocator alloc, byte[] txId12, InetSocketAddress mapped) {
        checkTxId(txId12);
        byte[] addr = mapped.getAddress().getAddress();
        int attrLen = 4 + addr.length;
        ByteBuf out = alloc.buffer(HEADER + 4 + attrLen);
        out.writeShort(BINDING_SUCCESS).writeShort(4 + attrLen).writeInt(MAGIC_COOKIE).writeBytes(txId12);
        out.writeShort(ATTR_XOR_MAPPED_ADDRESS).writeShort(attrLen);
        out.writeByte(0).writeByte(addr.length == 4 ? 1 : 2).writeShort(mapped.getPort() ^ (MAGIC_COOKIE >>> 16));
        byte[] mask = mask(txId12);
        for (int i = 0; i < addr.length; i++) {
            out.writeByte(addr[i] ^ mask[i]);
        }
        return out;
    }

    /** The transaction and mapped address of a well-formed Binding success response, or empty. */
    public static Optional<BindingResponse> parseBindingResponse(ByteBuf buf) {
        if (!wellFormed(buf) || buf.getUnsignedShort(buf.readerIndex()) != BINDING_SUCCESS) {
            return Optional.empty();
        }
        byte[] tx = txId(buf);
        int at = buf.readerIndex() + HEADER;
        int end = at + buf.getUnsignedShort(buf.readerIndex() + 2);
        InetSocketAddress plain = null;
        while (at + 4 <= end) {
            int type = buf.getUnsignedShort(at);
            int len = buf.getUnsignedShort(at + 2);
            int value = at + 4;
            if (value + len > end) {
                return Optional.empty();
            }
            if (type == ATTR_XOR_MAPPED_ADDRESS) {
                return address(buf, value, len, mask(tx)).map(a -> new BindingResponse(tx, a));
            }
            if (type == ATTR_MAPPED_ADDRESS && plain == null) {
                plain = address(buf, value, len, new byte[16]).orElse(null);
            }
            at = value + ((len + 3) & ~3);
        }
        return Optional.ofNullable(plain).map(a -> new BindingResponse(tx, a));
    }

    /** Header sane: STUN-shaped, attribute length a multiple of 4 that fits in the buffer. */
    private static boolean wellFormed(ByteBuf buf) {
        if (!isStun(buf)) {
            return false;
        }
        int len = buf.getUnsignedShort(buf.readerIndex() + 2);
        return (len & 3) == 0 && HEADER + len <= buf.readableBytes();
    }

    private static Optional<InetSocketAddress> address(ByteBuf buf, int at, int len, byte[] mask) {
        if (len < 4) {
            return Optional.empty();
        }
        int family = buf.getUnsignedByte(at + 1);
        int n = family == 1 ? 4 : family == 2 ? 16 : -1;
        if (n < 0 || len < 4 + n) {
            return Optional.empty();
        }
        boolean xor = mask[0] != 0;
        int port = buf.getUnsignedShort(at + 2) ^ (xor ? MAGIC_COOKIE >>> 16 : 0);
        byte[] addr = new byte[n];
        for (int i = 0; i < n; i++) {
            addr[i] = (byte) (buf.getByte(at + 4 + i) ^ mask[i]);
        }
        try {
            return Optional.of(new InetSocketAddress(InetAddress.getByAddress(addr), port));
        } catch (UnknownHostException e) {
            return Optional.empty(); // unreachable: the length is 4 or 16
        }
    }

    /** The XOR mask for addresses: the cookie, then (IPv6) the transaction id. */
    private static byte[] mask(byte[] txId) {
        byte[] m = new byte[16];
        m[0] = (byte) (MAGIC_COOKIE >>> 24);
        m[1] = (byte) (MAGIC_COOKIE >>> 16);
        m[2] = (byte) (MAGIC_COOKIE >>> 8);
        m[3] = (byte) MAGIC_COOKIE;
        System.arraycopy(txId, 0, m, 4, TX_ID_LENGTH);
        return m;
    }

    private static byte[] txId(ByteBuf buf) {
        byte[] tx = new byte[TX_ID_LENGTH];
        buf.getBytes(buf.readerIndex() + 8, tx);
        return tx;
    }

    private static void checkTxId(byte[] txId) {
        if (txId == null || txId.length != TX_ID_LENGTH) {
            throw new IllegalArgumentException("a STUN transaction id is 12 bytes");
        }
    }
}
