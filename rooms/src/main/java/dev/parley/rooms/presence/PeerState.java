package dev.parley.rooms.presence;

import dev.parley.net.postcard.PostcardException;
import dev.parley.net.postcard.PostcardReader;
import dev.parley.net.postcard.PostcardWriter;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/**
 * What a peer tells the room about itself, stored in its own signed KV scope under {@link #KEY}.
 * Encoding: a version byte ({@link #VERSION}) and then postcard
 * {@code { broadcasts: Vec<String>, display_name: Option<String> }}. Postcard is positional, so
 * fields are never skipped; a new field means a new version. Unknown versions are rejected rather
 * than misread.
 *
 * @param broadcasts  names of the moq broadcasts this peer publishes, e.g. {@code "camera"}
 * @param displayName a human-readable name, if the user set one
 */
public record PeerState(List<String> broadcasts, Optional<String> displayName) {
    /** KV key of the peer state entry. */
    public static final byte[] KEY = {'s'};
    /** KV key of the peer's own dialable address (postcard EndpointAddr), signed like everything else. */
    public static final byte[] ADDR_KEY = {'a'};
    /** KV key of the leave marker written on a clean leave. */
    public static final byte[] LEAVE_KEY = {'l'};
    public static final int VERSION = 1;
    public static final int MAX_BROADCASTS = 16;
    public static final int MAX_NAME_BYTES = 64;

    public PeerState {
        broadcasts = List.copyOf(new LinkedHashSet<>(broadcasts));
        if (broadcasts.size() > MAX_BROADCASTS) {
            throw new IllegalArgumentException("at most " + MAX_BROADCASTS + " broadcasts");
        }
        for (String b : broadcasts) {
            checkName("broadcast name", b);
            if (b.isEmpty()) {
                throw new IllegalArgumentException("empty broadcast name");
            }
        }
        displayName.ifPresent(n -> checkName("display name", n));
    }

    public static PeerState empty() {
        return new PeerState(List.of(), Optional.empty());
    }

    public PeerState withBroadcast(String name) {
        List<String> list = new ArrayList<>(broadcasts);
        list.add(name);
        return new PeerState(list, displayName);
    }

    public PeerState withoutBroadcast(String name) {
        List<String> list = new ArrayList<>(broadcasts);
        list.remove(name);
        return new PeerState(list, displayName);
    }

    public PeerState withDisplayName(String name) {
        return new PeerState(broadcasts, Optional.of(name));
    }

    public byte[] encode() {
        PostcardWriter w = new PostcardWriter().u8(VERSION).varint(broadcasts.size());
        broadcasts.forEach(w::string);
        if (displayName.isPresent()) {
            w.u8(1).string(displayName.get());
        } else {
            w.u8(0);
        }
        return w.toByteArray();
    }

    /** Decodes a KV value; throws {@link PostcardException} on an unknown version, bad UTF-8 or broken limits. */
    public static PeerState decode(byte[] bytes) {
        PostcardReader r = new PostcardReader(bytes);
        int version = r.u8();
        if (version != VERSION) {
            throw new PostcardException("unsupported peer state version " + version);
        }
        int n = r.length("broadcast list");
        if (n > MAX_BROADCASTS) {
            throw new PostcardException("too many broadcasts: " + n);
        }
        List<String> names = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            names.add(r.string());
        }
        Optional<String> name = switch (r.u8()) {
            case 0 -> Optional.empty();
            case 1 -> Optional.of(r.string());
            default -> throw new PostcardException("invalid Option<String> tag");
        };
        r.expectEnd();
        try {
            return new PeerState(names, name);
        } catch (IllegalArgumentException e) {
            throw new PostcardException("invalid peer state: " + e.getMessage());
        }
    }

    private static void checkName(String what, String s) {
        if (s.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
            throw new IllegalArgumentException(what + " longer than " + MAX_NAME_BYTES + " bytes");
        }
        for (int i = 0; i < s.length(); i++) {
            if (Character.isISOControl(s.charAt(i))) {
                throw new IllegalArgumentException(what + " contains a control character");
            }
        }
    }
}
