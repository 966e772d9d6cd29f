package dev.parley.net.qmux;

/**
 * The QMux transport parameters each side sends first (QX_TRANSPORT_PARAMETERS); absent values are 0,
 * which leaves the peer no credit at all.
 */
public record TransportParameters(
        long initialMaxData,
        long initialMaxStreamDataBidiLocal,
        long initialMaxStreamDataBidiRemote,
        long initialMaxStreamDataUni,
        long initialMaxStreamsBidi,
        long initialMaxStreamsUni) {

    static final int MAX_DATA = 0x04;
    static final int STREAM_DATA_BIDI_LOCAL = 0x05;
    static final int STREAM_DATA_BIDI_REMOTE = 0x06;
    static final int STREAM_DATA_UNI = 0x07;
    static final int STREAMS_BIDI = 0x08;
    static final int STREAMS_UNI = 0x09;
    // qmux-01+ ids Parley reads (to validate them) but does not act on or send.
    static final long IDLE_TIMEOUT = 0x01;
    static final long DATAGRAM_SIZE = 0x20;
    static final long RESET_STREAM_AT = 0x1d;
    static final long MAX_RECORD_SIZE = 0x0571c59429cd0845L;
    static final long APPLICATION_PROTOCOLS = 0x3d4f9c2a8b1e6075L;

    public TransportParameters {
        for (long v : new long[] {initialMaxData, initialMaxStreamDataBidiLocal, initialMaxStreamDataBidiRemote,
                initialMaxStreamDataUni, initialMaxStreamsBidi, initialMaxStreamsUni}) {
            if (v < 0 || v > dev.parley.net.moq.wire.VarInt.MAX) {
                throw new IllegalArgumentException("transport parameter out of range: " + v);
            }
        }
    }

    /** What the JavaScript client sends: 1 MiB, 256 KiB per stream, 100 streams each way. */
    public static TransportParameters defaults() {
        return new TransportParameters(1 << 20, 256 << 10, 256 << 10, 256 << 10, 100, 100);
    }
}
