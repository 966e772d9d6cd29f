package dev.parley.net.moq.wire;

/** Decodes one message body from a reader holding exactly that body. */
@FunctionalInterface
public interface BodyDecoder<T> {
    T decode(WireReader body, WireLimits limits);
}
