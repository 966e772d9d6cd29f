package dev.parley.net.moq.wire;

import static dev.parley.net.moq.wire.DecodeException.Kind.UNKNOWN_TYPE;

/**
 * Publisher-to-subscriber messages on a Subscribe stream. They are typed: the type varint comes before
 * the length.
 */
public sealed interface SubscribeResponse extends Message permits SubscribeOk, SubscribeDrop {

    /** The type code written before the length. */
    long type();

    /** The body decoder for a response type code. */
    static BodyDecoder<SubscribeResponse> decoderFor(long type) {
        if (type == SubscribeOk.TYPE) {
            return SubscribeOk::decode;
        }
        if (type == SubscribeDrop.TYPE) {
            return SubscribeDrop::decode;
        }
        throw new DecodeException(UNKNOWN_TYPE, "subscribe response type " + type);
    }
}
