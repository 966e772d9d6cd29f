package dev.parley.net.moq.wire;

import static dev.parley.net.moq.wire.DecodeException.Kind.LONG;

/** Factories for the per-stream {@link Grammar}s of moq-lite-03. Each call returns a fresh instance. */
public final class Grammars {
    private Grammars() {}

    /** The type varint that opens a stream. */
    public static Grammar<StreamType> streamType(boolean bidi) {
        return in -> {
            long code = in.tryVarint();
            return code < 0 ? null : StreamType.of(bidi, code);
        };
    }

    /** Publisher side of an Announce stream: exactly one ANNOUNCE_PLEASE, nothing after it. */
    public static Grammar<AnnouncePlease> announcePlease() {
        return new Grammar<>() {
            private boolean seen;

            @Override
            public AnnouncePlease next(StreamDecoder in) {
                if (seen) {
                    if (in.buffered() > 0) {
                        throw new DecodeException(LONG, "bytes after ANNOUNCE_PLEASE");
                    }
                    return null;
                }
                AnnouncePlease p = in.tryMessage(AnnouncePlease::decode);
                seen = p != null;
                return p;
            }
        };
    }

    /** Subscriber side of an Announce stream: ANNOUNCE messages until FIN. */
    public static Grammar<Announce> announces() {
        return in -> in.tryMessage(Announce::decode);
    }

    /** Publisher side of a Subscribe stream: one SUBSCRIBE, then SUBSCRIBE_UPDATEs. */
    public static Grammar<SubscribeRequest> subscribeRequests() {
        return new Grammar<>() {
            private boolean subscribed;

            @Override
            public SubscribeRequest next(StreamDecoder in) {
                SubscribeRequest m = subscribed ? in.tryMessage(SubscribeUpdate::decode) : in.tryMessage(Subscribe::decode);
                subscribed |= m != null;
                return m;
            }
        };
    }

    /** Subscriber side of a Subscribe stream: typed SUBSCRIBE_OK / SUBSCRIBE_DROP. */
    public static Grammar<SubscribeResponse> subscribeResponses() {
        return in -> in.tryTyped(SubscribeResponse::decoderFor);
    }

    /** Either side of a Probe stream. */
    public static Grammar<Probe> probes() {
        return in -> in.tryMessage(Probe::decode);
    }

    /** A Group stream after its type: one GROUP header, then frames. */
    public static Grammar<GroupStreamItem> group() {
        return new Grammar<>() {
            private boolean headed;

            @Override
            public GroupStreamItem next(StreamDecoder in) {
                if (!headed) {
                    GroupHeader h = in.tryMessage(GroupHeader::decode);
                    headed = h != null;
                    return h;
                }
                byte[] payload = in.tryFrame();
                return payload == null ? null : new Frame(payload);
            }
        };
    }
}
