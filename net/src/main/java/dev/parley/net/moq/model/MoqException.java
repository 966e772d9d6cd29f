package dev.parley.net.moq.model;

/**
 * The one unchecked error of the moq layers: a {@link MoqError} plus the exact wire code.
 *
 * <p>Thrown by consumers when their producer aborted, by producers used after they ended, and by the
 * session when a peer resets a stream. {@link MoqError#CANCEL} is a normal ending.
 */
public final class MoqException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private static final long MAX_VARINT = (1L << 62) - 1;

    private final MoqError error;
    private final long wireCode;
    private final String detail;

    /** An error with its standard wire code. {@code error} must not be {@link MoqError#APP} or {@link MoqError#UNKNOWN}. */
    public MoqException(MoqError error, String message) {
        this(error, error.wireCode(), message, null);
    }

    /** An error with its standard wire code and a cause. */
    public MoqException(MoqError error, String message, Throwable cause) {
        this(error, error.wireCode(), message, cause);
    }

    private MoqException(MoqError error, long wireCode, String message, Throwable cause) {
        super(error + " (" + wireCode + "): " + message, cause);
        this.error = error;
        this.wireCode = wireCode;
        this.detail = message;
    }

    /** An application error {@code n}, sent on the wire as {@code 64 + n}. */
    public static MoqException app(long n, String message) {
        if (n < 0 || n > MAX_VARINT - MoqError.APP_OFFSET) {
            throw new IllegalArgumentException("application code out of range: " + n);
        }
        return new MoqException(MoqError.APP, MoqError.APP_OFFSET + n, message, null);
    }

    /** The error for a code received from the peer; unknown codes keep their raw value. */
    public static MoqException fromWireCode(long wireCode, String message) {
        if (wireCode < 0 || wireCode > MAX_VARINT) {
            throw new IllegalArgumentException("not a varint: " + wireCode);
        }
        return new MoqException(MoqError.fromWireCode(wireCode), wireCode, message, null);
    }

    /** The error kind. */
    public MoqError error() {
        return error;
    }

    /** The code to put on the wire (stream reset, STOP_SENDING, session close). */
    public long wireCode() {
        return wireCode;
    }

    /** The application code {@code n} for {@link MoqError#APP}, otherwise -1. */
    public long appCode() {
        return error == MoqError.APP ? wireCode - MoqError.APP_OFFSET : -1;
    }

    /** A fresh exception with the same code, so every thrower gets its own stack trace. */
    MoqException rethrowable() {
        return new MoqException(error, wireCode, detail, this);
    }
}
