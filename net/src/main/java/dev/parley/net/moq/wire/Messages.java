package dev.parley.net.moq.wire;

import static dev.parley.net.moq.wire.DecodeException.Kind.TOO_LARGE;

/**
 * The one place that frames messages: {@code [Type (i)] Length (i) Body}. On decode the body must be
 * consumed exactly: too few bytes is {@link DecodeException.Kind#SHORT}, leftovers are
 * {@link DecodeException.Kind#LONG}.
 */
public final class Messages {
    private Messages() {}

    /** Appends {@code m} with its type (if typed) and length prefix, laid out for {@code version}. */
    public static void encode(Message m, Version version, WireWriter out) {
        if (m instanceof SubscribeResponse typed && version.subscribeOptions()) {
            out.varint(typed.type(version));
        }
        WireWriter body = new WireWriter();
        m.encodeBody(body, version);
        out.varint(body.size());
        out.raw(body.array(), 0, body.size());
    }

    /** {@code m} framed for {@code version}, as bytes. */
    public static byte[] encode(Message m, Version version) {
        WireWriter w = new WireWriter();
        encode(m, version, w);
        return w.toByteArray();
    }

    /** {@code m} framed for lite-03. */
    public static byte[] encode(Message m) {
        return encode(m, Version.LITE_03);
    }

    /** Appends {@code m} framed for lite-03. */
    public static void encode(Message m, WireWriter out) {
        encode(m, Version.LITE_03, out);
    }

    /** Decodes a body that occupies exactly {@code len} bytes at {@code off}. */
    public static <T> T decodeBody(byte[] buf, int off, int len, BodyDecoder<T> decoder, WireLimits limits) {
        if (len > limits.maxMessageSize()) {
            throw new DecodeException(TOO_LARGE, "message of " + len + " bytes");
        }
        WireReader r = new WireReader(buf, off, len);
        T msg = decoder.decode(r, limits);
        r.expectEnd();
        return msg;
    }

    /** Decodes one complete length-prefixed message that fills {@code buf} exactly. */
    public static <T> T decode(byte[] buf, BodyDecoder<T> decoder, WireLimits limits) {
        WireReader r = new WireReader(buf);
        int len = r.varintAsInt("message length");
        if (len > limits.maxMessageSize()) {
            throw new DecodeException(TOO_LARGE, "message of " + len + " bytes");
        }
        if (r.remaining() < len) {
            throw new DecodeException(DecodeException.Kind.SHORT, "message of " + len + " bytes, " + r.remaining() + " present");
        }
        int off = buf.length - r.remaining();
        T msg = decodeBody(buf, off, len, decoder, limits);
        if (off + len != buf.length) {
            throw new DecodeException(DecodeException.Kind.LONG, (buf.length - off - len) + " bytes after the message");
        }
        return msg;
    }
}
