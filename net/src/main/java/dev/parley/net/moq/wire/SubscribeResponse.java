package dev.parley.net.moq.wire;

import static dev.parley.net.moq.wire.DecodeException.Kind.UNKNOWN_TYPE;

/**
 * Publisher-to-subscriber messages on a Subscribe stream. They are typed: the type varint comes before
 * the length. lite-03/04: 0 SUBSCRIBE_OK, 1 SUBSCRIBE_DROP; lite-05: 0 SUBSCRIBE_START, 1 SUBSCRIBE_END,
 * 2 SUBSCRIBE_DROP.
 */
public sealed interface SubscribeResponse extends Message permits SubscribeOk, SubscribeDrop, SubscribeStart, SubscribeEnd {

    /** The type code written before the length in {@code version}. */
    long type(Version version);

    /** The body decoder for a response type code of {@code version}. */
    static BodyDecoder<SubscribeResponse> decoderFor(long type, Version version) {
        if (version.subscribeStart()) {
            if (type == 0x0) {
                return (r, l) -> SubscribeStart.decode(r, l, version);
            }
            if (type == 0x1) {
                return (r, l) -> SubscribeEnd.decode(r, l, version);
            }
            if (type == 0x2) {
                return SubscribeDrop::decode;
            }
        } else if (type == SubscribeOk.TYPE) {
            return SubscribeOk::decode;
        } else if (type == 0x1) {
            return SubscribeDrop::decode;
        }
        throw new DecodeException(UNKNOWN_TYPE, "subscribe response type " + type + " in " + version.alpn());
    }
}
