package dev.parley.net.moq.wire;

import java.util.Arrays;
import java.util.Objects;

/**
 * One frame of a group. On the wire a varint size then the payload; lite-05 puts a zigzag timestamp
 * delta (in the track's timescale, from 0 at the group start) before the size, so {@code timestamp} is
 * absolute here and 0 on earlier versions. The array is owned by the frame once decoded; it is not copied.
 */
public record Frame(byte[] payload, long timestamp) implements GroupStreamItem {

    public Frame {
        Objects.requireNonNull(payload, "payload");
        if (timestamp < 0) {
            throw new IllegalArgumentException("timestamp " + timestamp);
        }
    }

    public Frame(byte[] payload) {
        this(payload, 0);
    }

    /** The lite-03/04 size prefix for a payload of {@code size} bytes. */
    public static byte[] header(int size) {
        byte[] out = new byte[VarInt.size(size)];
        VarInt.write(size, out, 0);
        return out;
    }

    /** {@code (s << 1) ^ (s >> 63)}: small magnitudes of either sign become small varints. */
    public static long zigzag(long signed) {
        return (signed << 1) ^ (signed >> 63);
    }

    public static long unzigzag(long unsigned) {
        return (unsigned >>> 1) ^ -(unsigned & 1);
    }

    /**
     * Writes the frame headers of one group stream for a version: stateful, because lite-05 timestamps
     * are deltas from the previous frame of the same group.
     */
    public static final class HeaderWriter {
        private final Version version;
        private long previous;

        public HeaderWriter(Version version) {
            this.version = version;
        }

        /** The bytes that precede a payload of {@code size} bytes stamped {@code timestamp}. */
        public byte[] header(int size, long timestamp) {
            if (!version.frameTimestamps()) {
                return Frame.header(size);
            }
            long delta = zigzag(timestamp - previous);
            previous = timestamp;
            byte[] out = new byte[VarInt.size(delta) + VarInt.size(size)];
            int n = VarInt.write(delta, out, 0);
            VarInt.write(size, out, n);
            return out;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Frame f && timestamp == f.timestamp && Arrays.equals(payload, f.payload);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(payload) * 31 + Long.hashCode(timestamp);
    }

    @Override
    public String toString() {
        return "Frame[" + payload.length + " bytes @" + timestamp + "]";
    }
}
