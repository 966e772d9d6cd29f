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

/**
 * What a user shares to invite others into a room: the gossip topic plus bootstrap peers with their
 * addresses (Parley cannot dial by id alone). String form:
 * {@code parley-room:<base64url-nopad(bytes)>}, with bytes = version {@code 01} ‖ topic[32] ‖
 * {@code varint(n)} ‖ n × ({@code varint(len)} ‖ postcard EndpointAddr). Always under
 * {@link #MAX_LENGTH} characters: {@link #of} keeps as many bootstrap peers (first ones first) as fit.
 *
 * @param topic     the room's gossip topic
 * @param bootstrap peers to join through, in order of preference, at least one for joining others
 */
public record RoomTicket(TopicId topic, List<EndpointAddr> bootstrap) {
    public static final String SCHEME = "parley-room:";
    public static final int MAX_LENGTH = 2000;
    private static final int VERSION = 1;
    private static final int MAX_PEERS = 16;

    public RoomTicket {
        Map<Object, EndpointAddr> unique = new LinkedHashMap<>();
        for (EndpointAddr a : bootstrap) {
            unique.putIfAbsent(a.id(), a);
        }
        bootstrap = List.copyOf(unique.values());
        if (bootstrap.size() > MAX_PEERS) {
            throw new IllegalArgumentException("at most " + MAX_PEERS + " bootstrap peers");
        }
        int len = encodedLength(topic, bootstrap);
        if (len >= MAX_LENGTH) {
            throw new IllegalArgumentException("the room ticket would be " + len + " characters; the limit is "
                    + (MAX_LENGTH - 1));
        }
    }

    /** A new room with a random topic and no bootstrap peers yet. */
    public static RoomTicket generate() {
        return new RoomTicket(TopicId.random(), List.of());
    }

    /** A ticket with as many of {@code peers} (in order) as fit under the length limit. */
    public static RoomTicket of(TopicId topic, List<EndpointAddr> peers) {
        List<EndpointAddr> kept = new ArrayList<>();
        for (EndpointAddr p : peers) {
            if (kept.size() == MAX_PEERS) {
                break;
            }
            kept.add(p);
            if (encodedLength(topic, kept) >= MAX_LENGTH) {
                kept.removeLast();
            }
        }
        return new RoomTicket(topic, kept);
    }

    public byte[] toBytes() {
        return encode(topic, bootstrap);
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
            r.expectEnd();
            return new RoomTicket(topic, peers);
        } catch (PostcardException e) {
            throw new TicketException("the room ticket is damaged: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new TicketException("the room ticket is invalid: " + e.getMessage());
        }
    }

    private static byte[] encode(TopicId topic, List<EndpointAddr> peers) {
        PostcardWriter w = new PostcardWriter().u8(VERSION);
        topic.write(w);
        w.varint(peers.size());
        for (EndpointAddr p : peers) {
            w.bytes(p.encode());
        }
        return w.toByteArray();
    }

    private static int encodedLength(TopicId topic, List<EndpointAddr> peers) {
        int n = encode(topic, peers).length;
        return SCHEME.length() + (n * 4 + 2) / 3;
    }
}
