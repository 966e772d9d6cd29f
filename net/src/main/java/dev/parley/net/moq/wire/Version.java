package dev.parley.net.moq.wire;

import java.util.List;
import java.util.Optional;

/**
 * The moq-lite versions Parley speaks, each negotiated by its ALPN (raw QUIC) or WebSocket app protocol.
 * The codec takes the version ({@link Messages#encode(Message, Version)}, the {@link Grammars} factories)
 * and the session asks it what the wire carries; nothing above the wire forks on the version otherwise.
 */
public enum Version {
    /**
     * Legacy, settled in-band by the CLIENT/SERVER SETUP on a bare WebSocket subprotocol (what
     * {@code @moq/lite} 0.2.2's default connect offers): ANNOUNCE_INIT first, no hops, SUBSCRIBE up to the
     * priority, an untyped empty SUBSCRIBE_OK, no Probe stream. Parley only accepts it, never offers it.
     */
    LITE_02("moq-lite-02", 0xff0dad02L),
    /** Frozen, no setup; hop count in ANNOUNCE, PROBE carries only a bitrate. */
    LITE_03("moq-lite-03", 0xff0dad03L),
    /** lite-03 plus hop lists, ANNOUNCE_PLEASE exclude hop, PROBE RTT and the GOAWAY stream. */
    LITE_04("moq-lite-04", 0xff0dad04L),
    /** lite-04 plus SETUP and TRACK streams, ANNOUNCE_OK, typed SUBSCRIBE_START/END/DROP and frame timestamps. */
    LITE_05("moq-lite-05", 0xff0dad05L);

    /** Every version, newest first: the order offered when dialing and preferred when accepting. */
    public static final List<Version> NEWEST_FIRST = List.of(LITE_05, LITE_04, LITE_03);

    private final String alpn;
    private final long code;

    Version(String alpn, long code) {
        this.alpn = alpn;
        this.code = code;
    }

    /** The TLS ALPN and WebSocket app protocol, e.g. {@code moq-lite-04}. */
    public String alpn() {
        return alpn;
    }

    /** The version code the legacy SETUP would carry. */
    public long code() {
        return code;
    }

    /** The version negotiated as {@code alpn}, if Parley speaks it (lite-02 has no ALPN of its own). */
    public static Optional<Version> ofAlpn(String alpn) {
        for (Version v : NEWEST_FIRST) {
            if (v.alpn.equals(alpn)) {
                return Optional.of(v);
            }
        }
        return Optional.empty();
    }

    /** The ALPNs of {@code versions}, in their order. */
    public static List<String> alpns(List<Version> versions) {
        return versions.stream().map(Version::alpn).toList();
    }

    /** The version the legacy SETUP names with {@code code}, if Parley speaks it that way. */
    public static Optional<Version> ofLegacyCode(long code) {
        return code == LITE_02.code ? Optional.of(LITE_02) : Optional.empty();
    }

    /** lite-03+: ANNOUNCE has a hops field (lite-02 none). */
    public boolean announceHops() {
        return compareTo(LITE_03) >= 0;
    }

    /** lite-02: the publisher opens an Announce stream with ANNOUNCE_INIT (the initial set). */
    public boolean announceInit() {
        return this == LITE_02;
    }

    /** lite-03+: SUBSCRIBE has ordered, max latency, start and end after the priority; responses are typed. */
    public boolean subscribeOptions() {
        return compareTo(LITE_03) >= 0;
    }

    /** lite-03+: the Probe stream exists. */
    public boolean probe() {
        return compareTo(LITE_03) >= 0;
    }

    /** lite-04+: ANNOUNCE carries a list of hop ids (lite-03: a count). */
    public boolean hopList() {
        return compareTo(LITE_04) >= 0;
    }

    /** lite-04+: ANNOUNCE_PLEASE carries Exclude Hop. */
    public boolean excludeHop() {
        return compareTo(LITE_04) >= 0;
    }

    /** lite-04+: PROBE carries an RTT in ms after the bitrate. */
    public boolean probeRtt() {
        return compareTo(LITE_04) >= 0;
    }

    /** lite-04+: the GOAWAY bidi stream exists. */
    public boolean goaway() {
        return compareTo(LITE_04) >= 0;
    }

    /** lite-05+: each side sends one SETUP uni stream at once; a TRACK bidi stream; ANNOUNCE_OK first. */
    public boolean setup() {
        return this == LITE_05;
    }

    /** lite-05+: SUBSCRIBE_START/END/DROP instead of SUBSCRIBE_OK/DROP. */
    public boolean subscribeStart() {
        return this == LITE_05;
    }

    /** lite-05+: every group frame starts with a zigzag timestamp delta in the track's timescale. */
    public boolean frameTimestamps() {
        return this == LITE_05;
    }
}
