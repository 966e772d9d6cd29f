package dev.parley.rooms.ticket;

import dev.parley.net.postcard.PostcardException;
import dev.parley.net.postcard.PostcardReader;
import dev.parley.net.postcard.PostcardWriter;
import dev.parley.net.ticket.EndpointAddr;
import dev.parley.net.ticket.TicketException;
import dev.parley.rooms.gossip.wire.TopicId;

import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a user shares to invite others into a room: the gossip topic plus bootstrap peers with their
 * addresses (Parley cannot dial by id alone). String form:
 * {@code parley-room:<base64url-nopad(bytes)>}, with bytes = version {@code 01} ‖ topic[32] ‖
 * {@code varint(n)} ‖ n × ({@code varint(len)} ‖ postcard EndpointAddr), then, only for a room through a
 * moq relay, two trailing fields: the relay URL (postcard string) and the mode (one byte: 1 relay, 2
 * hybrid). Postcard is positional, so the fields are appended: a gossip room's ticket is exactly the bytes
 * it always was, and every older ticket parses as a gossip room. Always under {@link #MAX_LENGTH}
 * characters: {@link #of} keeps as many bootstrap peers (first ones first) as fit.
 *
 * @param topic     the room's gossip topic (in relay modes also its scope on the relay)
 * @param bootstrap peers to join through, in order of preference, at least one for joining others
 * @param mode      how participants reach each other
 * @param moqRelay  the moq-lite relay URL ({@code https://host:port/path?jwt=…}); present exactly when the
 *                  mode is not {@link RoomMode#GOSSIP}
 */
public record RoomTicket(TopicId topic, List<EndpointAddr> bootstrap, RoomMode mode, Optional<String> moqRelay) {
    public static final String SCHEME = "parley-room:";
    public static final int MAX_LENGTH = 2000;
    private static final int VERSION = 1;
    private static final int MAX_PEERS = 16;

    /** Longest relay URL a ticket carries. */
    public static final int MAX_RELAY_URL = 1024;

    public RoomTicket {
        java.util.Objects.requireNonNull(mode, "mode");
        java.util.Objects.requireNonNull(moqRelay, "moqRelay");
        if ((mode == RoomMode.GOSSIP) != moqRelay.isEmpty()) {
            throw new IllegalArgumentException(mode == RoomMode.GOSSIP ? "a gossip room names no moq relay"
                    : "a " + mode.label() + " room needs a moq relay URL");
        }
        if (moqRelay.isPresent() && (moqRelay.get().isBlank() || moqRelay.get().length() > MAX_RELAY_URL)) {
            throw new IllegalArgumentException("the moq relay URL must have 1 to " + MAX_RELAY_URL + " characters");
        }
        Map<Object, EndpointAddr> unique = new LinkedHashMap<>();
        for (EndpointAddr a : bootstrap) {
            unique.putIfAbsent(a.id(), a);
        }
        bootstrap = List.copyOf(unique.values());
        if (bootstrap.size() > MAX_PEERS) {
            throw new IllegalArgumentException("at most " + MAX_PEERS + " bootstrap peers");
        }
        int len = encodedLength(topic, bootstrap, mode, moqRelay);
        if (len >= MAX_LENGTH) {
            throw new IllegalArgumentException("the room ticket would be " + len + " characters; the limit is "
                    + (MAX_LENGTH - 1));
        }
    }

    /** A gossip room's ticket. */
    public RoomTicket(TopicId topic, List<EndpointAddr> bootstrap) {
        this(topic, bootstrap, RoomMode.GOSSIP, Optional.empty());
    }

    /** A new gossip room with a random topic and no bootstrap peers yet. */
    public static RoomTicket generate() {
        return new RoomTicket(TopicId.random(), List.of());
    }

    /** A new room with a random topic through {@code moqRelay} in {@code mode} ({@link RoomMode#GOSSIP}: no relay). */
    public static RoomTicket generate(RoomMode mode, String moqRelay) {
        return new RoomTicket(TopicId.random(), List.of(), mode,
                mode == RoomMode.GOSSIP ? Optional.empty() : Optional.of(moqRelay));
    }

    /** This ticket with other bootstrap peers (as many as fit), the same topic, mode and relay. */
    public RoomTicket withPeers(List<EndpointAddr> peers) {
        List<EndpointAddr> kept = new ArrayList<>();
        for (EndpointAddr p : peers) {
            if (kept.size() == MAX_PEERS) {
                break;
            }
            kept.add(p);
            if (encodedLength(topic, kept, mode, moqRelay) >= MAX_LENGTH) {
                kept.removeLast();
            }
        }
        return new RoomTicket(topic, kept, mode, moqRelay);
    }

    /** A ticket with as many of {@code peers} (in order) as fit under the length limit. */
    public static RoomTicket of(TopicId topic, List<EndpointAddr> peers) {
        return new RoomTicket(topic, List.of()).withPeers(peers);
    }

    public byte[] toBytes() {
        return encode(topic, bootstrap, mode, moqRelay);
    }

    @Override
    public String toString() {
        return SCHEME + Base64.getUrlEncoder().withoutPadding().encodeToString(toBytes());
    }

    /** Parses a ticket string (surrounding whitespace ignored); any problem is a {@link TicketException} saying what. */
    public static RoomTicket parse(String text) {
        if (text == null || text.isBlank()) {
            throw new TicketException("the room ticket is empty");
        }
        String s = text.strip();
        if (s.length() >= MAX_LENGTH) {
            throw new TicketException("the room ticket is too long (" + s.length() + " characters; at most "
                    + (MAX_LENGTH - 1) + ")");
        }
        if (s.regionMatches(true, 0, "room", 0, 4) && !s.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            throw new TicketException("this looks like an iroh-live room ticket; Parley room tickets start with '"
                    + SCHEME + "'");
        }
        if (!s.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            throw new TicketException("not a Parley room ticket: it must start with '" + SCHEME + "'");
        }
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(s.substring(SCHEME.length()));
        } catch (IllegalArgumentException e) {
            throw new TicketException("the room ticket is not valid base64url (" + e.getMessage() + ")");
        }
        return fromBytes(bytes);
    }

    public static RoomTicket fromBytes(byte[] bytes) {
        try {
            PostcardReader r = new PostcardReader(bytes);
            int version = r.u8();
            if (version != VERSION) {
                throw new TicketException("unsupported room ticket version " + version);
            }
            TopicId topic = TopicId.read(r);
            int n = r.length("bootstrap list");
            if (n > MAX_PEERS) {
                throw new TicketException("the room ticket lists " + n + " peers; at most " + MAX_PEERS);
            }
            List<EndpointAddr> peers = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                peers.add(EndpointAddr.decode(r.bytes()));
            }
            RoomMode mode = RoomMode.GOSSIP;
            Optional<String> relay = Optional.empty();
            if (r.remaining() > 0) { // the trailing fields of a room through a relay
                relay = Optional.of(r.string());
                int m = r.u8();
                if (m != RoomMode.RELAY.ordinal() && m != RoomMode.HYBRID.ordinal()) {
                    throw new TicketException("unknown room mode " + m + " in the room ticket");
                }
                mode = RoomMode.values()[m];
            }
            r.expectEnd();
            return new RoomTicket(topic, peers, mode, relay);
        } catch (PostcardException e) {
            throw new TicketException("the room ticket is damaged: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new TicketException("the room ticket is invalid: " + e.getMessage());
        }
    }

    private static byte[] encode(TopicId topic, List<EndpointAddr> peers, RoomMode mode, Optional<String> relay) {
        PostcardWriter w = new PostcardWriter().u8(VERSION);
        topic.write(w);
        w.varint(peers.size());
        for (EndpointAddr p : peers) {
            w.bytes(p.encode());
        }
        if (relay.isPresent()) {
            w.string(relay.get());
            w.u8(mode.ordinal());
        }
        return w.toByteArray();
    }

    private static int encodedLength(TopicId topic, List<EndpointAddr> peers, RoomMode mode, Optional<String> relay) {
        int n = encode(topic, peers, mode, relay).length;
        return SCHEME.length() + (n * 4 + 2) / 3;
    }
}
