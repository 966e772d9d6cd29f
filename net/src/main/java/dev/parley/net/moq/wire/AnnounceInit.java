package dev.parley.net.moq.wire;

import java.util.ArrayList;
import java.util.List;

import static dev.parley.net.moq.wire.DecodeException.Kind.SHORT;

/**
 * ANNOUNCE_INIT (lite-02 only): the publisher's first message on an Announce stream, the suffixes of
 * every broadcast active under the prefix; changes follow as ANNOUNCEs. The count is bounded by
 * the message size (each suffix takes at least one byte).
 */
public record AnnounceInit(List<String> suffixes) implements AnnounceStreamMessage {

    public AnnounceInit {
        suffixes = List.copyOf(suffixes);
    }

    public static AnnounceInit decode(WireReader r, WireLimits limits, Version version) {
        long count = r.varint();
        if (count > r.remaining()) {
            throw new DecodeException(SHORT, "announce init of " + count + " suffixes in " + r.remaining() + " bytes");
        }
        List<String> out = new ArrayList<>((int) count);
        for (long i = 0; i < count; i++) {
            out.add(r.string());
        }
        return new AnnounceInit(out);
    }

    @Override
    public void encodeBody(WireWriter w, Version version) {
        w.varint(suffixes.size());
        suffixes.forEach(w::string);
    }
}
