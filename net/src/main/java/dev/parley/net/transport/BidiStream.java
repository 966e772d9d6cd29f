package dev.parley.net.transport;

/** A bidirectional stream: both halves share one stream id. */
public interface BidiStream {
    long id();

    RecvStream recv();

    SendStream send();
}
