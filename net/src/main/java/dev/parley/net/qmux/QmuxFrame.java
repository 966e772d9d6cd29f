package dev.parley.net.qmux;

import java.util.Arrays;

/**
 * The QMux frames: one per WebSocket message on qmux-00, one or more (a record) on qmux-01/02, which add
 * PADDING (skipped by the decoder), QX_PING, RESET_STREAM_AT (qmux-02) and DATAGRAM.
 */
public sealed interface QmuxFrame {

    /** Largest qmux-00 WebSocket message (= frame) either side may send. */
    int MAX_FRAME_SIZE = 16384;
    /**
     * qmux-01/02: the default and smallest allowed {@code max_record_size}; Parley advertises no other
     * value, so it is the largest record it accepts, and every frame it sends (at most
     * {@link #MAX_STREAM_PAYLOAD} + 19 header bytes) fits in one record of any peer.
     */
    int DEFAULT_MAX_RECORD_SIZE = 16382;
    /** QX_PING request and response frame types (qmux-01+). */
    long PING_REQUEST_TYPE = 0x348c67529ef8c7bdL;
    long PING_RESPONSE_TYPE = 0x348c67529ef8c7beL;
    /** Largest STREAM payload; the JavaScript client closes the connection above this. */
    int MAX_STREAM_PAYLOAD = 16360;
    /** The QX_TRANSPORT_PARAMETERS frame type. */
    long TRANSPORT_PARAMETERS_TYPE = 0x3f5153300d0a0d0aL;

    /** QX_TRANSPORT_PARAMETERS; must be each side's first frame. */
    record Parameters(TransportParameters params) implements QmuxFrame {}

    /** STREAM (0x08..0x0f); {@code offset} is 0 when the OFF bit was absent. */
    record Stream(long streamId, long offset, byte[] data, boolean fin) implements QmuxFrame {
        @Override
        public boolean equals(Object o) {
            return o instanceof Stream s && s.streamId == streamId && s.offset == offset && s.fin == fin
                    && Arrays.equals(s.data, data);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(streamId) * 31 + Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "Stream[id=" + streamId + ", offset=" + offset + ", len=" + data.length + ", fin=" + fin + "]";
        }
    }

    /** RESET_STREAM (0x04). */
    record ResetStream(long streamId, long code, long finalSize) implements QmuxFrame {}

    /**
     * RESET_STREAM_AT (0x24, qmux-02): on an ordered transport everything up to the final size has
     * arrived, so it acts as RESET_STREAM; {@code reliableSize} above {@code finalSize} is an encoding error.
     */
    record ResetStreamAt(long streamId, long code, long finalSize, long reliableSize) implements QmuxFrame {}

    /** QX_PING request ({@code response} false) or the response echoing its sequence (qmux-01+). */
    record Ping(boolean response, long sequence) implements QmuxFrame {}

    /** DATAGRAM (0x30 to the end of the record, 0x31 length-prefixed); Parley advertises none and refuses them. */
    record Datagram(int length) implements QmuxFrame {}

    /** STOP_SENDING (0x05). */
    record StopSending(long streamId, long code) implements QmuxFrame {}

    /** MAX_DATA (0x10). */
    record MaxData(long max) implements QmuxFrame {}

    /** MAX_STREAM_DATA (0x11). */
    record MaxStreamData(long streamId, long max) implements QmuxFrame {}

    /** MAX_STREAMS_BIDI (0x12) / MAX_STREAMS_UNI (0x13). */
    record MaxStreams(boolean bidi, long max) implements QmuxFrame {}

    /** DATA_BLOCKED (0x14). */
    record DataBlocked(long limit) implements QmuxFrame {}

    /** STREAM_DATA_BLOCKED (0x15). */
    record StreamDataBlocked(long streamId, long limit) implements QmuxFrame {}

    /** STREAMS_BLOCKED_BIDI (0x16) / STREAMS_BLOCKED_UNI (0x17). */
    record StreamsBlocked(boolean bidi, long limit) implements QmuxFrame {}

    /**
     * CONNECTION_CLOSE (0x1c, sent) or APPLICATION_CLOSE (0x1d, parsed with or without the frame type
     * field, since the JavaScript and Rust implementations disagree on it).
     */
    record ConnectionClose(long code, long frameType, String reason, boolean application) implements QmuxFrame {}
}
