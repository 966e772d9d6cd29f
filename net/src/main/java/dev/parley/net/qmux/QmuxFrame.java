package dev.parley.net.qmux;

import java.util.Arrays;

/** The qmux-00 frames; one per WebSocket message. */
public sealed interface QmuxFrame {

    /** Largest WebSocket message (= frame) either side may send. */
    int MAX_FRAME_SIZE = 16384;
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
