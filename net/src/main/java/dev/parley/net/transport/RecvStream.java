package dev.parley.net.transport;

/** The receiving half of a stream. */
public interface RecvStream {

    long id();

    /**
     * Blocks until at least one byte is available and copies up to {@code len} bytes, or returns -1 at
     * the end of the stream (FIN). Throws {@link StreamResetException} if the peer reset the stream and
     * {@link ConnectionClosedException} if the connection is gone. After a local {@link #stop} it throws
     * {@link StreamResetException} with the code given to stop, in every binding. Bytes are only taken from the peer
     * as they are read, so an idle reader applies back-pressure through flow control.
     */
    int read(byte[] dst, int off, int len) throws InterruptedException;

    /** Tells the peer to stop sending (STOP_SENDING) with an application error code and drops unread data. */
    void stop(long code);
}
