package dev.parley.net.moq.wire;

/**
 * Bytes on a stream that are not valid moq-lite. The session turns it into a reset of the offending
 * stream with the moq {@code Decode} code (5), or {@code BoundsExceeded} for a broken limit.
 */
public final class DecodeException extends RuntimeException {

    /** What went wrong. */
    public enum Kind {
        /** The input ended inside a value or a message body said less than it contained. */
        SHORT,
        /** A message body had bytes left over after its last field. */
        LONG,
        /** A field held a value outside its domain (a bool that is neither 0 nor 1, a bad status). */
        INVALID_VALUE,
        /** A string was not well-formed UTF-8. */
        INVALID_UTF8,
        /** An unknown stream type or response type. */
        UNKNOWN_TYPE,
        /** A declared size is above the configured {@link WireLimits}. */
        TOO_LARGE
    }

    private final Kind kind;

    public DecodeException(Kind kind, String message) {
        super(kind + ": " + message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
