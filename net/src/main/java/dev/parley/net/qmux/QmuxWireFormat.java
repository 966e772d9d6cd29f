package dev.parley.net.qmux;

import java.util.List;
import java.util.Optional;

/**
 * The QMux wire formats a WebSocket subprotocol names ({@code <format>.<app protocol>} or a bare
 * {@code <format>}). qmux-00 carries exactly one frame per WebSocket message; qmux-01 and -02 carry a
 * record (one or more frames) per message, bounded by the receiver's {@code max_record_size}, and add
 * PADDING and QX_PING; qmux-02 also insists that QX_TRANSPORT_PARAMETERS come first and only once and
 * that QX_PING sequences increase.
 */
public enum QmuxWireFormat {
    QMUX_00("qmux-00"),
    QMUX_01("qmux-01"),
    QMUX_02("qmux-02");

    /** Newest first: the server's preference for one app protocol, and the client's offer order. */
    public static final List<QmuxWireFormat> NEWEST_FIRST = List.of(QMUX_02, QMUX_01, QMUX_00);

    private final String token;

    QmuxWireFormat(String token) {
        this.token = token;
    }

    /** The bare subprotocol, e.g. {@code qmux-01}. */
    public String token() {
        return token;
    }

    /** The subprotocol carrying {@code appProtocol}, e.g. {@code qmux-02.moq-lite-05}. */
    public String subprotocol(String appProtocol) {
        return token + "." + appProtocol;
    }

    /** qmux-01+: a WebSocket message is a record of frames, PADDING and QX_PING exist. */
    public boolean records() {
        return this != QMUX_00;
    }

    /** qmux-02: parameters strictly first, ping sequences checked, RESET_STREAM_AT allowed. */
    public boolean strict() {
        return this == QMUX_02;
    }

    /** A selected subprotocol split into its wire format and app protocol (empty for a bare format). */
    public record Selected(QmuxWireFormat wire, String appProtocol) {}

    /** Parses {@code qmux-0x} or {@code qmux-0x.<app>}; empty for anything else (other formats, an empty app). */
    public static Optional<Selected> parse(String subprotocol) {
        if (subprotocol == null) {
            return Optional.empty();
        }
        for (QmuxWireFormat w : values()) {
            if (subprotocol.equals(w.token)) {
                return Optional.of(new Selected(w, ""));
            }
            String prefix = w.token + ".";
            if (subprotocol.startsWith(prefix) && subprotocol.length() > prefix.length()) {
                return Optional.of(new Selected(w, subprotocol.substring(prefix.length())));
            }
        }
        return Optional.empty();
    }
}
