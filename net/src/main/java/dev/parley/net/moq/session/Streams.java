package dev.parley.net.moq.session;

import dev.parley.net.transport.SendStream;
import dev.parley.net.transport.TransportException;

/** Ending a stream half that another task (cancel, session close) may have ended first. */
final class Streams {
    private Streams() {}

    /** FIN unless the stream already ended or the connection is gone. */
    static void finishQuietly(SendStream s) {
        try {
            s.finish();
        } catch (IllegalStateException | TransportException e) {
            // already finished, reset, stopped by the peer, or the connection closed: nothing to end
        }
    }
}
