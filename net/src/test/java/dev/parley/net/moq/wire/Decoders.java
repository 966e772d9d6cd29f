package dev.parley.net.moq.wire;

/** Test helper: decodes the framed bytes of any message the way its stream's grammar would, for one version. */
final class Decoders {
    private Decoders() {}

    static Message decode(Message like, byte[] b, Version v, WireLimits limits) {
        return switch (like) {
            case SubscribeResponse r -> new StreamDecoder(limits).feed(b, 0, b.length, Grammars.subscribeResponses(v)).getFirst();
            case AnnouncePlease p -> Messages.decode(b, (r, l) -> AnnouncePlease.decode(r, l, v), limits);
            case AnnounceOk o -> Messages.decode(b, (r, l) -> AnnounceOk.decode(r, l, v), limits);
            case Announce a -> Messages.decode(b, (r, l) -> Announce.decode(r, l, v), limits);
            case AnnounceInit i -> Messages.decode(b, (r, l) -> AnnounceInit.decode(r, l, v), limits);
            case Subscribe s -> Messages.decode(b, (r, l) -> Subscribe.decode(r, l, v), limits);
            case SubscribeUpdate u -> Messages.decode(b, SubscribeUpdate::decode, limits);
            case Probe p -> Messages.decode(b, (r, l) -> Probe.decode(r, l, v), limits);
            case GroupHeader h -> Messages.decode(b, GroupHeader::decode, limits);
            case Goaway g -> Messages.decode(b, (r, l) -> Goaway.decode(r, l, v), limits);
            case Setup s -> Messages.decode(b, (r, l) -> Setup.decode(r, l, v), limits);
            case Track t -> Messages.decode(b, (r, l) -> Track.decode(r, l, v), limits);
            case TrackProperties t -> Messages.decode(b, (r, l) -> TrackProperties.decode(r, l, v), limits);
            case Fetch f -> Messages.decode(b, (r, l) -> Fetch.decode(r, l, v), limits);
        };
    }

    /** Re-encodes {@code m} for {@code v} and decodes it again. */
    static Message roundTrip(Message m, Version v, WireLimits limits) {
        return decode(m, Messages.encode(m, v), v, limits);
    }
}
