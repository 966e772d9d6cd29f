package dev.parley.rooms.relay;

import dev.parley.net.identity.EndpointId;
import dev.parley.rooms.gossip.wire.TopicId;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Names of a room on a moq-lite relay, shared with the relay's web page: the room lives in the scope
 * {@code parley/rooms/<topic-hex>}; inside it each participant publishes {@code <participant>/<name>},
 * where a Parley participant is its endpoint id in lowercase hex and a browser any id of 8 to 64
 * characters {@code [a-z0-9-]}; {@code name} is {@code camera}, {@code screen} or (Parley only)
 * {@code room}.
 */
public final class RelayPaths {
    /** The scope prefix of every room, below the relay URL's own path. */
    public static final String ROOMS_PREFIX = "parley/rooms/";
    private static final Pattern PARTICIPANT = Pattern.compile("[a-z0-9-]{8,64}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private RelayPaths() {}

    /** The room's scope below the relay URL's path, without a leading slash: {@code parley/rooms/<topic-hex>}. */
    public static String roomScope(TopicId topic) {
        return ROOMS_PREFIX + topic.hex();
    }

    /** {@code <participant>/<name>} for a Parley participant. */
    public static String broadcastPath(EndpointId me, String name) {
        return me.hex() + "/" + name;
    }

    /**
     * A broadcast path in the room scope, split; empty for anything that is not exactly
     * {@code <participant>/<name>} with a valid participant id and name (ignored, not an error: other
     * clients may publish other things in the scope).
     */
    public static Optional<Named> parse(String path) {
        int slash = path.indexOf('/');
        if (slash < 0 || path.indexOf('/', slash + 1) >= 0) {
            return Optional.empty();
        }
        String who = path.substring(0, slash);
        String name = path.substring(slash + 1);
        if (!PARTICIPANT.matcher(who).matches() || !NAME.matcher(name).matches()) {
            return Optional.empty();
        }
        return Optional.of(new Named(new Participant(who), name));
    }

    /** A participant's broadcast: who and which. */
    public record Named(Participant participant, String name) {}

    /**
     * A participant id as published. A Parley participant's id is its endpoint id; any other id (a
     * browser) gets a stable stand-in {@link EndpointId} (SHA-256 of the id), so the room reports every
     * participant the same way.
     */
    public record Participant(String id) {
        public Participant {
            if (!PARTICIPANT.matcher(id).matches()) {
                throw new IllegalArgumentException("a participant id is 8 to 64 characters of [a-z0-9-], got '" + id + "'");
            }
        }

        /** True for a Parley peer (the id is an endpoint id), false for a browser. */
        public boolean isParley() {
            return id.length() == 2 * EndpointId.LENGTH && id.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
        }

        /** The endpoint id, or a browser's stand-in. */
        public EndpointId endpointId() {
            if (isParley()) {
                return EndpointId.fromHex(id);
            }
            try {
                return EndpointId.of(MessageDigest.getInstance("SHA-256")
                        .digest(("parley-room-participant:" + id).getBytes(StandardCharsets.UTF_8)));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("no SHA-256", e);
            }
        }
    }
}
