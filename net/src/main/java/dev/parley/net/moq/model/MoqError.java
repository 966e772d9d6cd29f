package dev.parley.net.moq.model;

/**
 * moq-lite error codes as used for stream resets, STOP_SENDING and session close (moq-lite §9).
 *
 * <p>Application codes are carried as {@link #APP} plus a number {@code n}; on the wire they become
 * {@code 64 + n}, so they never collide with protocol codes. {@link #CANCEL} is a normal ending, not a
 * failure. Codes this enum does not know decode to {@link #UNKNOWN}; {@link MoqException} keeps the raw
 * value so it can be forwarded unchanged.
 */
public enum MoqError {
    /** The operation was cancelled; a normal ending. */
    CANCEL(0),
    /** The peer requires an extension we do not support. */
    REQUIRED_EXTENSION(1),
    /** The requested group or data is too old. */
    OLD(2),
    /** An operation timed out. */
    TIMEOUT(3),
    /** The underlying transport failed. */
    TRANSPORT(4),
    /** A message could not be decoded. */
    DECODE(5),
    /** The peer is not allowed to do this. */
    UNAUTHORIZED(6),
    /** No common protocol version. */
    VERSION(9),
    /** A stream of an unexpected type was opened. */
    UNEXPECTED_STREAM(10),
    /** A number exceeded its allowed range (also used for the group frame/byte caps). */
    BOUNDS_EXCEEDED(11),
    /** Something (a path, a track, a group sequence) already exists. */
    DUPLICATE(12),
    /** The requested broadcast or track does not exist. */
    NOT_FOUND(13),
    /** A frame had a different size than announced. */
    WRONG_SIZE(14),
    /** The peer broke the protocol. */
    PROTOCOL_VIOLATION(15),
    /** A message arrived that was not expected in this state. */
    UNEXPECTED_MESSAGE(16),
    /** The feature is not supported. */
    UNSUPPORTED(17),
    /** A message could not be encoded. */
    ENCODE(18),
    /** Too many parameters in a message. */
    TOO_MANY_PARAMETERS(19),
    /** The peer's role does not allow this. */
    INVALID_ROLE(20),
    /** The ALPN is not known. */
    UNKNOWN_ALPN(21),
    /** The producer went away without closing. */
    DROPPED(24),
    /** The producer closed; the resource is gone. */
    CLOSED(25),
    /** A cache or buffer is full (called "Lagged" in newer moq-net). */
    CACHE_FULL(26),
    /** An application-defined code {@code n}, sent as {@code 64 + n}; see {@link MoqException#appCode()}. */
    APP(-1),
    /** A protocol code this implementation does not know; see {@link MoqException#wireCode()}. */
    UNKNOWN(-1);

    /** First wire code used for application errors. */
    public static final long APP_OFFSET = 64;

    private static final MoqError[] BY_CODE = new MoqError[64];

    static {
        for (MoqError e : values()) {
            if (e.code >= 0) {
                BY_CODE[e.code] = e;
            }
        }
    }

    private final int code;

    MoqError(int code) {
        this.code = code;
    }

    /**
     * The wire code of this error.
     *
     * @throws IllegalStateException for {@link #APP} and {@link #UNKNOWN}, whose code lives in a
     *     {@link MoqException}
     */
    public long wireCode() {
        if (code < 0) {
            throw new IllegalStateException(this + " has no fixed wire code; use MoqException.wireCode()");
        }
        return code;
    }

    /** Maps a wire code to its error: {@link #APP} for {@code >= 64}, {@link #UNKNOWN} for unassigned codes. */
    public static MoqError fromWireCode(long wireCode) {
        if (wireCode >= APP_OFFSET) {
            return APP;
        }
        if (wireCode < 0) {
            return UNKNOWN;
        }
        MoqError e = BY_CODE[(int) wireCode];
        return e == null ? UNKNOWN : e;
    }
}
