package dev.parley.net.qmux;

import dev.parley.net.transport.TransportException;

/**
 * The peer broke QMux: a malformed frame, a flow-control or stream-limit violation. Carries the QUIC
 * transport error code that goes into the CONNECTION_CLOSE frame closing that one connection.
 */
public final class QmuxProtocolException extends TransportException {
    public static final long FLOW_CONTROL_ERROR = 0x3;
    public static final long STREAM_LIMIT_ERROR = 0x4;
    public static final long STREAM_STATE_ERROR = 0x5;
    public static final long FINAL_SIZE_ERROR = 0x6;
    public static final long FRAME_ENCODING_ERROR = 0x7;
    public static final long TRANSPORT_PARAMETER_ERROR = 0x8;
    public static final long PROTOCOL_VIOLATION = 0xa;

    private final long code;

    public QmuxProtocolException(long code, String message) {
        super(message);
        this.code = code;
    }

    static QmuxProtocolException encoding(String message) {
        return new QmuxProtocolException(FRAME_ENCODING_ERROR, message);
    }

    /** The QUIC transport error code. */
    public long code() {
        return code;
    }
}
