package dev.parley.net.moq.wire;

import static dev.parley.net.moq.wire.DecodeException.Kind.LONG;

/**
 * Factories for the per-stream {@link Grammar}s, for one {@link Version}. Each call returns a fresh
 * instance. The overloads without a version are lite-03.
 */
public final class Grammars {
    private Grammars() {}

    /** The type varint that opens a stream. */
    public static Grammar<StreamType> streamType(boolean bidi, Version version) {
        return in -> {
            long code = in.tryVarint();
            return code < 0 ? null : StreamType.of(bidi, code, version);
        };
    }

    public static Grammar<StreamType> streamType(boolean bidi) {
        return streamType(bidi, Version.LITE_03);
    }

    /** Publisher side of an Announce stream: exactly one ANNOUNCE_PLEASE, nothing after it. */
    public static Grammar<AnnouncePlease> announcePlease(Version version) {
        return single("ANNOUNCE_PLEASE", (r, l) -> AnnouncePlease.decode(r, l, version));
    }

    public static Grammar<AnnouncePlease> announcePlease() {
        return announcePlease(Version.LITE_03);
    }

    /**
     * Subscriber side of an Announce stream: (lite-05) one ANNOUNCE_OK or (lite-02) one ANNOUNCE_INIT,
     * then ANNOUNCE messages until FIN.
     */
    public static Grammar<AnnounceStreamMessage> announces(Version version) {
        return new Grammar<>() {
            private boolean ok = !version.setup() && !version.announceInit();

            @Override
            public AnnounceStreamMessage next(StreamDecoder in) {
                if (!ok) {
                    AnnounceStreamMessage m = version.announceInit()
                            ? in.tryMessage((r, l) -> AnnounceInit.decode(r, l, version))
                            : in.tryMessage((r, l) -> AnnounceOk.decode(r, l, version));
                    ok = m != null;
                    return m;
                }
                return in.tryMessage((r, l) -> Announce.decode(r, l, version));
            }
        };
    }

    public static Grammar<AnnounceStreamMessage> announces() {
        return announces(Version.LITE_03);
    }

    /** Publisher side of a Subscribe stream: one SUBSCRIBE, then SUBSCRIBE_UPDATEs. */
    public static Grammar<SubscribeRequest> subscribeRequests(Version version) {
        return new Grammar<>() {
            private boolean subscribed;

            @Override
            public SubscribeRequest next(StreamDecoder in) {
                SubscribeRequest m = subscribed ? in.tryMessage(SubscribeUpdate::decode)
                        : in.tryMessage((r, l) -> Subscribe.decode(r, l, version));
                subscribed |= m != null;
                return m;
            }
        };
    }

    public static Grammar<SubscribeRequest> subscribeRequests() {
        return subscribeRequests(Version.LITE_03);
    }

    /** Subscriber side of a Subscribe stream: the typed responses of {@code version}. */
    public static Grammar<SubscribeResponse> subscribeResponses(Version version) {
        if (!version.subscribeOptions()) {
            return in -> in.tryMessage(SubscribeOk::decodeLegacy); // lite-02: untyped, only OKs
        }
        return in -> in.tryTyped(type -> SubscribeResponse.decoderFor(type, version));
    }

    public static Grammar<SubscribeResponse> subscribeResponses() {
        return subscribeResponses(Version.LITE_03);
    }

    /** Either side of a Probe stream. */
    public static Grammar<Probe> probes(Version version) {
        return in -> in.tryMessage((r, l) -> Probe.decode(r, l, version));
    }

    public static Grammar<Probe> probes() {
        return probes(Version.LITE_03);
    }

    /** Either side of a Goaway stream (lite-04+): one GOAWAY, nothing after it. */
    public static Grammar<Goaway> goaway(Version version) {
        return single("GOAWAY", (r, l) -> Goaway.decode(r, l, version));
    }

    /** A Setup uni stream after its type (lite-05): one SETUP, nothing after it. */
    public static Grammar<Setup> setup(Version version) {
        return single("SETUP", (r, l) -> Setup.decode(r, l, version));
    }

    /** Publisher side of a Track stream (lite-05): one TRACK, nothing after it. */
    public static Grammar<Track> track(Version version) {
        return single("TRACK", (r, l) -> Track.decode(r, l, version));
    }

    /** Publisher side of a Fetch stream (lite-05): one FETCH, nothing after it. */
    public static Grammar<Fetch> fetch(Version version) {
        return single("FETCH", (r, l) -> Fetch.decode(r, l, version));
    }

    /** Subscriber side of a Track stream (lite-05): one TRACK_INFO, nothing after it. */
    public static Grammar<TrackProperties> trackInfo(Version version) {
        return single("TRACK_INFO", (r, l) -> TrackProperties.decode(r, l, version));
    }

    /** A Group stream after its type: one GROUP header, then frames (timed on lite-05). */
    public static Grammar<GroupStreamItem> group(Version version) {
        return new Grammar<>() {
            private boolean headed;
            private long previous;

            @Override
            public GroupStreamItem next(StreamDecoder in) {
                if (!headed) {
                    GroupHeader h = in.tryMessage(GroupHeader::decode);
                    headed = h != null;
                    return h;
                }
                Frame f = in.tryFrame(version.frameTimestamps(), previous);
                if (f != null) {
                    previous = f.timestamp();
                }
                return f;
            }
        };
    }

    public static Grammar<GroupStreamItem> group() {
        return group(Version.LITE_03);
    }

    /** Exactly one message, then only FIN. */
    private static <T> Grammar<T> single(String what, BodyDecoder<T> decoder) {
        return new Grammar<>() {
            private boolean seen;

            @Override
            public T next(StreamDecoder in) {
                if (seen) {
                    if (in.buffered() > 0) {
                        throw new DecodeException(LONG, "bytes after " + what);
                    }
                    return null;
                }
                T m = in.tryMessage(decoder);
                seen = m != null;
                return m;
            }
        };
    }
}
