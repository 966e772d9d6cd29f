package dev.parley.net.ticket;

import java.util.Base64;
import java.util.Objects;

/**
 * What a user shares to let someone watch or call: {@code parley:<base64url(postcard(EndpointAddr))>/<name>}.
 * It is iroh-live's {@code LiveTicket} URI with its own scheme: the body is the raw EndpointAddr bytes
 * (no version byte) in unpadded base64url, split from the broadcast name at the first {@code /}. The
 * scheme differs on purpose: Parley's transport does not speak iroh's, so an iroh-live ticket pasted here
 * is rejected with a message saying so rather than failing later at dial time.
 *
 * @param addr      who publishes and where to reach them
 * @param broadcast the broadcast name, e.g. {@code call} for a 1:1 call
 */
public record LiveTicket(EndpointAddr addr, String broadcast) {
    public static final String SCHEME = "parley:";
    /** Tickets are kept under this many characters so they fit in a QR code and a chat line. */
    public static final int MAX_LENGTH = 2000;
    private static final String IROH_LIVE_SCHEME = "iroh-live:";

    public LiveTicket {
        Objects.requireNonNull(addr, "addr");
        if (broadcast == null || broadcast.isEmpty()) {
            throw new IllegalArgumentException("a ticket needs a broadcast name");
        }
        if (broadcast.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("a broadcast name cannot contain whitespace: '" + broadcast + "'");
        }
        int length = encodedLength(addr, broadcast);
        if (length >= MAX_LENGTH) {
            throw new IllegalArgumentException("the ticket would be " + length + " characters; the limit is "
                    + (MAX_LENGTH - 1) + " (too many addresses or a long name)");
        }
    }

    /** The shareable string form. */
    @Override
    public String toString() {
        return SCHEME + Base64.getUrlEncoder().withoutPadding().encodeToString(addr.encode()) + "/" + broadcast;
    }

    /** Parses a ticket string (surrounding whitespace ignored); any problem is one {@link TicketException}. */
    public static LiveTicket parse(String text) {
        if (text == null || text.isBlank()) {
            throw new TicketException("the ticket is empty");
        }
        String s = text.strip();
        if (s.length() >= MAX_LENGTH) {
            throw new TicketException("the ticket is too long (" + s.length() + " characters; at most "
                    + (MAX_LENGTH - 1) + ")");
        }
        if (s.regionMatches(true, 0, IROH_LIVE_SCHEME, 0, IROH_LIVE_SCHEME.length())) {
            throw new TicketException("this is an iroh-live ticket; Parley cannot connect to iroh-live peers "
                    + "(Parley tickets start with '" + SCHEME + "')");
        }
        if (!s.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            throw new TicketException("not a Parley ticket: it must start with '" + SCHEME + "'");
        }
        String rest = s.substring(SCHEME.length());
        int slash = rest.indexOf('/');
        if (slash < 0) {
            throw new TicketException("the ticket has no broadcast name (expected " + SCHEME + "<address>/<name>)");
        }
        String body = rest.substring(0, slash);
        String name = rest.substring(slash + 1);
        if (body.isEmpty()) {
            throw new TicketException("the ticket has no address part (expected " + SCHEME + "<address>/<name>)");
        }
        if (name.isEmpty()) {
            throw new TicketException("the ticket has an empty broadcast name");
        }
        if (name.chars().anyMatch(Character::isWhitespace)) {
            throw new TicketException("the ticket's broadcast name contains whitespace");
        }
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(body);
        } catch (IllegalArgumentException e) {
            throw new TicketException("the ticket's address is not valid base64url (" + e.getMessage()
                    + "); was it copied completely?", e);
        }
        EndpointAddr addr;
        try {
            addr = EndpointAddr.decode(bytes);
        } catch (TicketException e) {
            throw new TicketException("the ticket's address is damaged: " + e.getMessage()
                    + "; was it copied completely?", e);
        } catch (IllegalArgumentException e) {
            throw new TicketException("the ticket's address is damaged: " + e.getMessage(), e);
        }
        return new LiveTicket(addr, name);
    }

    private static int encodedLength(EndpointAddr addr, String name) {
        int raw = addr.encode().length;
        return SCHEME.length() + (raw * 4 + 2) / 3 + 1 + name.length();
    }
}
