package dev.parley.net.moq.wire;

/** Messages on an Announce stream (bidi type 0x1): one request from the subscriber, then (lite-05) ANNOUNCE_OK or (lite-02) ANNOUNCE_INIT, and announces. */
public sealed interface AnnounceStreamMessage extends Message permits AnnouncePlease, AnnounceOk, AnnounceInit, Announce {}
