package dev.parley.net.transport;

/** The sending half of a stream. Writes block while flow control or the send buffer is full. */
public interface SendStream {

    long id();

    /**
     * Queues bytes for sending. The transport may send straight from {@code src} without copying,
     * so the caller must not modify the range afterwards. Throws {@link StreamResetException} if the
     * peer sent STOP_SENDING, {@link ConnectionClosedException} if the connection is gone.
     */
    void write(byte[] src, int off, int len);

    default void write(byte[] src) {
        write(src, 0, src.length);
    }

    /** Pushes queued bytes to the wire. */
    void flush();

    /** Ends the stream cleanly (FIN) after everything queued; implies {@link #flush()}. */
    void finish();

    /** Abandons the stream with an application error code (RESET_STREAM). */
    void reset(long code);

    /**
     * Scheduling hint: streams with a higher value are sent first. moq-lite derives it from track
     * priority and group sequence; bindings map it onto what they have (QUIC urgency, QMux scheduler).
     */
    void setPriority(long priority);
}
