package dev.parley.net.transport;

/** The peer reset our receive side (RESET_STREAM) or stopped our send side (STOP_SENDING). */
public final class StreamResetException extends TransportException {
    private final long code;

    public StreamResetException(long code, String message) {
        super(message + " (code " + code + ")");
        this.code = code;
    }

    /** The application error code, already mapped back from the binding's code space. */
    public long code() {
        return code;
    }
}
