package dev.parley.net.moq.wire;

import java.util.ArrayList;
import java.util.List;

import static dev.parley.net.moq.wire.DecodeException.Kind.INVALID_VALUE;
import static dev.parley.net.moq.wire.DecodeException.Kind.TOO_LARGE;
import static dev.parley.net.moq.wire.DecodeException.Kind.UNKNOWN_TYPE;

/**
 * The legacy CLIENT_SETUP a client sends on its first bidi stream when the binding carried no app
 * protocol (a bare {@code qmux-00} WebSocket subprotocol): {@code 0x20 (ClientCompat), u16 size, Versions
 * (count i, each i), Parameters (count i; key i; even key: varint value, odd key: length + bytes)} in the
 * IETF draft-14 layout. The server answers {@link #serverSetup} and the stream stays open as the session
 * stream. Only the versions matter to Parley; parameters are read and dropped.
 */
public record ClientSetup(List<Long> versions) {
    /** The stream type of a legacy CLIENT_SETUP (ClientCompat, readable by moq-transport-10+ servers too). */
    public static final long CLIENT_COMPAT = 0x20;
    /** The stream type of the legacy SERVER_SETUP reply. */
    public static final long SERVER_COMPAT = 0x21;
    private static final int MAX_ENTRIES = 64;

    public ClientSetup {
        versions = List.copyOf(versions);
    }

    /** The newest version both sides speak, if any. */
    public java.util.Optional<Version> choose(List<Version> ours) {
        for (Version v : ours) {
            if (versions.contains(v.code())) {
                return java.util.Optional.of(v);
            }
        }
        return java.util.Optional.empty();
    }

    /** The whole legacy SETUP stream prefix: type, u16 size, body. Null until complete. */
    public static Grammar<ClientSetup> grammar() {
        return new Grammar<>() {
            private boolean typed;

            @Override
            public ClientSetup next(StreamDecoder in) {
                if (!typed) {
                    long type = in.tryVarint();
                    if (type < 0) {
                        return null;
                    }
                    if (type != CLIENT_COMPAT) {
                        throw new DecodeException(UNKNOWN_TYPE, "expected the legacy CLIENT_SETUP (0x20), got stream type " + type);
                    }
                    typed = true;
                }
                return in.tryU16Message(ClientSetup::decodeBody);
            }
        };
    }

    static ClientSetup decodeBody(WireReader r, WireLimits limits) {
        long count = r.varint();
        if (count > MAX_ENTRIES) {
            throw new DecodeException(TOO_LARGE, "client setup with " + count + " versions");
        }
        List<Long> versions = new ArrayList<>();
        for (long i = 0; i < count; i++) {
            versions.add(r.varint());
        }
        long params = r.varint();
        if (params > MAX_ENTRIES) {
            throw new DecodeException(TOO_LARGE, "client setup with " + params + " parameters");
        }
        for (long i = 0; i < params; i++) {
            long key = r.varint();
            if ((key & 1) == 0) {
                r.varint();
            } else {
                r.bytes();
            }
        }
        if (versions.isEmpty()) {
            throw new DecodeException(INVALID_VALUE, "client setup offers no version");
        }
        return new ClientSetup(versions);
    }

    /** The encoded CLIENT_SETUP offering {@code versions} with no parameters (for tests and dialing legacy servers). */
    public byte[] encode() {
        WireWriter body = new WireWriter();
        body.varint(versions.size());
        versions.forEach(body::varint);
        body.varint(0);
        return framed(CLIENT_COMPAT, body);
    }

    /** The legacy SERVER_SETUP choosing {@code version}, with no parameters: {@code 0x21, u16 size, Version (i), 0}. */
    public static byte[] serverSetup(Version version) {
        WireWriter body = new WireWriter();
        body.varint(version.code()).varint(0);
        return framed(SERVER_COMPAT, body);
    }

    private static byte[] framed(long type, WireWriter body) {
        WireWriter w = new WireWriter();
        w.varint(type).u8(body.size() >>> 8).u8(body.size() & 0xff).raw(body.array(), 0, body.size());
        return w.toByteArray();
    }
}
