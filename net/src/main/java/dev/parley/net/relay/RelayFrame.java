package dev.parley.net.relay;

import dev.parley.net.identity.EndpointId;
import io.netty.buffer.ByteBuf;

import java.util.Arrays;

/**
 * One frame of the iroh relay protocol v2: the payload of one binary WebSocket message, encoded by
 * {@link RelayFrameCodec} as a QUIC varint frame type followed by the layout given per record. Frames
 * that carry datagrams hold a {@link ByteBuf} the holder must {@link #release()}; every other frame is
 * plain data and {@code release()} does nothing.
 */
public sealed interface RelayFrame {
    /** The frame's type code on the wire. */
    int type();

    /** Releases a datagram frame's buffer; a no-op for other frames. */
    default void release() {}

    /** Type 0: sixteen random bytes the client must sign. */
    record ServerChallenge(byte[] challenge) implements RelayFrame {
        public static final int LENGTH = 16;

        public ServerChallenge {
            if (challenge.length != LENGTH) {
                throw new IllegalArgumentException("a challenge is 16 bytes, got " + challenge.length);
            }
            challenge = challenge.clone();
        }

        @Override public byte[] challenge() { return challenge.clone(); }
        @Override public int type() { return 0; }
        @Override public boolean equals(Object o) { return o instanceof ServerChallenge s && Arrays.equals(challenge, s.challenge); }
        @Override public int hashCode() { return Arrays.hashCode(challenge); }
        @Override public String toString() { return "ServerChallenge"; }
    }

    /** Type 1: the client's key and its Ed25519 signature over the derived challenge ({@link RelayAuth}). */
    record ClientAuth(EndpointId publicKey, byte[] signature) implements RelayFrame {
        public ClientAuth {
            signature = signature.clone();
        }

        @Override public byte[] signature() { return signature.clone(); }
        @Override public int type() { return 1; }
        @Override public boolean equals(Object o) {
            return o instanceof ClientAuth a && publicKey.equals(a.publicKey) && Arrays.equals(signature, a.signature);
        }
        @Override public int hashCode() { return publicKey.hashCode() * 31 + Arrays.hashCode(signature); }
        @Override public String toString() { return "ClientAuth[" + publicKey.shortHex() + "]"; }
    }

    /** Type 2: the client is authenticated and may send datagrams. */
    record ServerConfirmsAuth() implements RelayFrame {
        @Override public int type() { return 2; }
    }

    /** Type 3: authentication failed, and why; the server closes the connection after it. */
    record ServerDeniesAuth(String reason) implements RelayFrame {
        @Override public int type() { return 3; }
    }

    /** Types 4 and 5: datagrams the client sends to {@code destination}. */
    record ClientToRelayDatagram(EndpointId destination, Datagrams datagrams) implements RelayFrame {
        @Override public int type() { return datagrams.segmentSize() == 0 ? 4 : 5; }
        @Override public void release() { datagrams.release(); }
    }

    /** Types 6 and 7: datagrams the relay delivers from the authenticated {@code source}. */
    record RelayToClientDatagram(EndpointId source, Datagrams datagrams) implements RelayFrame {
        @Override public int type() { return datagrams.segmentSize() == 0 ? 6 : 7; }
        @Override public void release() { datagrams.release(); }
    }

    /** Type 8: a peer that had sent this client datagrams has disconnected from the relay. */
    record EndpointGone(EndpointId id) implements RelayFrame {
        @Override public int type() { return 8; }
    }

    /** Type 9: eight bytes the other side echoes in a {@link Pong}. */
    record Ping(long data) implements RelayFrame {
        @Override public int type() { return 9; }
    }

    /** Type 10: the echo of a {@link Ping}. */
    record Pong(long data) implements RelayFrame {
        @Override public int type() { return 10; }
    }

    /** Type 11 (protocol v1 only): a health problem the server reports as text. */
    record Health(String problem) implements RelayFrame {
        @Override public int type() { return 11; }
    }

    /** Type 12: the server is restarting; reconnect after {@code reconnectInMs} and keep trying for {@code tryForMs}. */
    record Restarting(long reconnectInMs, long tryForMs) implements RelayFrame {
        public Restarting {
            if (reconnectInMs < 0 || reconnectInMs > 0xffff_ffffL || tryForMs < 0 || tryForMs > 0xffff_ffffL) {
                throw new IllegalArgumentException("restart times are u32 milliseconds");
            }
        }

        @Override public int type() { return 12; }
    }

    /** Type 13 (protocol v2): the connection's status, {@link #HEALTHY} or {@link #SAME_ENDPOINT_ID_CONNECTED}. */
    record Status(int code) implements RelayFrame {
        public static final int HEALTHY = 0;
        /** A newer connection with this client's id took over; this one is closed next. */
        public static final int SAME_ENDPOINT_ID_CONNECTED = 1;

        public Status {
            if (code < 0 || code > 0xff) {
                throw new IllegalArgumentException("a status is a u8, got " + code);
            }
        }

        @Override public int type() { return 13; }
    }

    /**
     * Opaque datagrams with their ECN bits: one datagram when {@code segmentSize} is 0, else GSO-style
     * segments of {@code segmentSize} bytes (the last may be shorter) concatenated in {@code contents}.
     */
    record Datagrams(int ecn, int segmentSize, ByteBuf contents) {
        public Datagrams {
            if (ecn < 0 || ecn > 3) {
                throw new IllegalArgumentException("ECN is a 2-bit codepoint, got " + ecn);
            }
            if (segmentSize < 0 || segmentSize > 0xffff) {
                throw new IllegalArgumentException("a segment size is a u16, got " + segmentSize);
            }
        }

        /** One datagram, ECN not set. */
        public static Datagrams single(ByteBuf datagram) {
            return new Datagrams(0, 0, datagram);
        }

        /** Datagrams in this frame: one, or the segments of a batch. */
        public int count() {
            int n = contents.readableBytes();
            return segmentSize == 0 ? 1 : Math.max(1, (n + segmentSize - 1) / segmentSize);
        }

        void release() {
            contents.release();
        }
    }
}
