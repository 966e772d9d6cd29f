package dev.parley.net.path;

import dev.parley.net.identity.EndpointId;
import dev.parley.net.identity.Identity;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The path layer's signed control messages, sent on the endpoint's UDP socket (and through a relay when
 * no direct path exists): {@code magic[6] ‖ type u8 ‖ sender id[32] ‖ body ‖ Ed25519 signature[64]},
 * the signature over everything before it. Signing instead of iroh's nacl-box is enough: the messages
 * carry no secrets (QUIC encrypts the payload), they only have to be attributable to a peer.
 *
 * <p>The magic's first byte is {@code 0x3f}: its 0x40 bit is clear, so it is never a QUIC packet (QUIC
 * sets the fixed bit on every packet), and it is not a STUN message type. Bodies:
 * <ul>
 *   <li>Ping: {@code tx[12]}</li>
 *   <li>Pong: {@code tx[12] ‖ address} (the source address the Ping came from, so it doubles as STUN)</li>
 *   <li>CallMeMaybe: {@code count u8 ‖ count × address} (the sender's candidate addresses)</li>
 * </ul>
 * An address is {@code family u8 (4|6) ‖ ip (4|16) ‖ port u16 BE}.
 */
public final class Disco {
    static final byte[] MAGIC = {0x3f, 'P', 'L', 'Y', 'D', '1'};
    static final int TX_LENGTH = 12;
    static final int MAX_CANDIDATES = 32;
    static final int HEADER = MAGIC.length + 1 + EndpointId.LENGTH;
    static final int MAX_PACKET = HEADER + 1 + MAX_CANDIDATES * 19 + Identity.SIGNATURE_LENGTH;
    private static final byte PING = 1;
    private static final byte PONG = 2;
    private static final byte CALL_ME_MAYBE = 3;

    private Disco() {
    }

    /** A disco message, by type. */
    public sealed interface Message permits Ping, Pong, CallMeMaybe {
    }

    public record Ping(byte[] tx) implements Message {
        public Ping {
            if (tx.length != TX_LENGTH) {
                throw new IllegalArgumentException("a transaction id is 12 bytes");
            }
        }
    }

    /** @param observed where the Ping came from, as the answering side saw it */
    public record Pong(byte[] tx, InetSocketAddress observed) implements Message {
        public Pong {
            if (tx.length != TX_LENGTH) {
                throw new IllegalArgumentException("a transaction id is 12 bytes");
            }
        }
    }

    public record CallMeMaybe(List<InetSocketAddress> candidates) implements Message {
        public CallMeMaybe {
            candidates = List.copyOf(candidates.size() > MAX_CANDIDATES ? candidates.subList(0, MAX_CANDIDATES) : candidates);
        }
    }

    /** A verified message and who signed it. */
    public record Signed(EndpointId sender, Message message) {
    }

    /** Whether {@code buf} starts with the disco magic (reader index untouched). */
    public static boolean isDisco(ByteBuf buf) {
        if (buf.readableBytes() < MAGIC.length) {
            return false;
        }
        int at = buf.readerIndex();
        for (int i = 0; i < MAGIC.length; i++) {
            if (buf.getByte(at + i) != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    /** The signed packet for {@code message}. */
    public static ByteBuf encode(ByteBufAllocator alloc, Identity signer, Message message) {
        byte[] unsigned = unsigned(signer.id(), message);
        byte[] sig = signer.sign(unsigned);
        ByteBuf out = alloc.buffer(unsigned.length + sig.length);
        out.writeBytes(unsigned).writeBytes(sig);
        return out;
    }

    static byte[] unsigned(EndpointId sender, Message message) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(128);
        out.writeBytes(MAGIC);
        switch (message) {
            case Ping p -> {
                out.write(PING);
                out.writeBytes(sender.bytes());
                out.writeBytes(p.tx());
            }
            case Pong p -> {
                out.write(PONG);
                out.writeBytes(sender.bytes());
                out.writeBytes(p.tx());
                writeAddress(out, p.observed());
            }
            case CallMeMaybe c -> {
                out.write(CALL_ME_MAYBE);
                out.writeBytes(sender.bytes());
                out.write(c.candidates().size());
                c.candidates().forEach(a -> writeAddress(out, a));
            }
        }
        return out.toByteArray();
    }

    private static void writeAddress(java.io.ByteArrayOutputStream out, InetSocketAddress a) {
        byte[] ip = a.getAddress().getAddress();
        out.write(ip.length == 4 ? 4 : 6);
        out.writeBytes(ip);
        out.write(a.getPort() >>> 8);
        out.write(a.getPort() & 0xff);
    }

    /**
     * The message in {@code packet} if it is well formed and its signature verifies; empty otherwise
     * (never throws on bad input). The reader index is left as it was.
     */
    public static Optional<Signed> decode(ByteBuf packet) {
        int len = packet.readableBytes();
        if (len < HEADER + Identity.SIGNATURE_LENGTH || len > MAX_PACKET || !isDisco(packet)) {
            return Optional.empty();
        }
        byte[] bytes = new byte[len];
        packet.getBytes(packet.readerIndex(), bytes);
        int bodyEnd = len - Identity.SIGNATURE_LENGTH;
        EndpointId sender;
        try {
            sender = EndpointId.of(Arrays.copyOfRange(bytes, MAGIC.length + 1, HEADER));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        Message message = parseBody(bytes[MAGIC.length], bytes, HEADER, bodyEnd);
        if (message == null) {
            return Optional.empty();
        }
        byte[] signature = Arrays.copyOfRange(bytes, bodyEnd, len);
        boolean valid;
        try {
            valid = Identity.verify(sender, Arrays.copyOf(bytes, bodyEnd), signature);
        } catch (RuntimeException e) {
            valid = false; // an invalid public key
        }
        return valid ? Optional.of(new Signed(sender, message)) : Optional.empty();
    }

    private static Message parseBody(byte type, byte[] b, int at, int end) {
        try {
            switch (type) {
                case PING -> {
                    return end - at == TX_LENGTH ? new Ping(Arrays.copyOfRange(b, at, end)) : null;
                }
                case PONG -> {
                    if (end - at < TX_LENGTH) {
                        return null;
                    }
                    int[] cursor = {at + TX_LENGTH};
                    InetSocketAddress observed = readAddress(b, cursor, end);
                    return observed != null && cursor[0] == end
                            ? new Pong(Arrays.copyOfRange(b, at, at + TX_LENGTH), observed) : null;
                }
                case CALL_ME_MAYBE -> {
                    if (end - at < 1) {
                        return null;
                    }
                    int count = b[at] & 0xff;
                    if (count > MAX_CANDIDATES) {
                        return null;
                    }
                    int[] cursor = {at + 1};
                    List<InetSocketAddress> candidates = new ArrayList<>(count);
                    for (int i = 0; i < count; i++) {
                        InetSocketAddress a = readAddress(b, cursor, end);
                        if (a == null) {
                            return null;
                        }
                        candidates.add(a);
                    }
                    return cursor[0] == end ? new CallMeMaybe(candidates) : null;
                }
                default -> {
                    return null;
                }
            }
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static InetSocketAddress readAddress(byte[] b, int[] cursor, int end) {
        int at = cursor[0];
        if (at >= end) {
            return null;
        }
        int family = b[at];
        int ipLength = family == 4 ? 4 : family == 6 ? 16 : -1;
        if (ipLength < 0 || at + 1 + ipLength + 2 > end) {
            return null;
        }
        try {
            InetAddress ip = InetAddress.getByAddress(Arrays.copyOfRange(b, at + 1, at + 1 + ipLength));
            int port = ((b[at + 1 + ipLength] & 0xff) << 8) | (b[at + 2 + ipLength] & 0xff);
            cursor[0] = at + 3 + ipLength;
            return new InetSocketAddress(ip, port);
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
