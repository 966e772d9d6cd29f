package dev.parley.net.moq.session;

import dev.parley.net.moq.model.MoqError;
import dev.parley.net.moq.wire.DecodeException;

/** The moq-lite error code a failure is reported with on the wire. */
final class Codes {
    private Codes() {}

    /** Decode failures: oversize is {@code BoundsExceeded}, an unknown stream type {@code UnexpectedStream}, else {@code Decode}. */
    static long of(DecodeException e) {
        return switch (e.kind()) {
            case TOO_LARGE -> MoqError.BOUNDS_EXCEEDED.wireCode();
            case UNKNOWN_TYPE -> MoqError.UNEXPECTED_STREAM.wireCode();
            default -> MoqError.DECODE.wireCode();
        };
    }
}
