package dev.parley.net.moq.wire;

/** Subscriber-to-publisher messages on a Subscribe stream (bidi type 0x2): one SUBSCRIBE, then updates. */
public sealed interface SubscribeRequest extends Message permits Subscribe, SubscribeUpdate {}
