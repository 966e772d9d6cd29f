package dev.parley.net.path;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What {@code parley netcheck} found out about this machine's network, and what it means for calls:
 * whether the home relay answers (over which proxy), whether UDP reaches the internet (the relay's STUN
 * answered) and at which public address, and which addresses peers are offered (IPv6 among them). Pure:
 * the caller measures, this only reads the measurements.
 *
 * @param advertised the addresses a ticket lists (interface addresses, then STUN's public ones)
 * @param relayUrl   the relay tested, or null when none was given
 * @param proxy      the HTTP proxy the relay link went through, or null
 * @param relayMs    how long the relay link took to come up, -1 when it did not within the wait
 * @param stunMs     how long the relay's STUN took to answer, -1 when it did not within the wait
 * @param publicAddresses what STUN saw this socket as
 * @param waitMs     how long was waited for each
 */
public record NetReport(List<InetSocketAddress> advertised, String relayUrl, String proxy, long relayMs, long stunMs,
                        List<InetSocketAddress> publicAddresses, long waitMs) {

    /** What calls from here can expect. */
    public enum Verdict {
        /** UDP works and a public address is known: direct paths can be punched to most peers. */
        DIRECT_POSSIBLE,
        /** The relay answers but UDP does not: calls run over the relay's WebSocket. */
        RELAY_ONLY,
        /** Neither the relay nor anything else answered: only peers on this network can be reached. */
        LOCAL_ONLY,
        /** No relay was given, so nothing beyond this machine was tested. */
        UNTESTED
    }

    public NetReport {
        advertised = List.copyOf(advertised);
        publicAddresses = List.copyOf(publicAddresses);
    }

    public Verdict verdict() {
        if (relayUrl == null) {
            return Verdict.UNTESTED;
        }
        if (stunMs >= 0 && !publicAddresses.isEmpty()) {
            return Verdict.DIRECT_POSSIBLE;
        }
        return relayMs >= 0 ? Verdict.RELAY_ONLY : Verdict.LOCAL_ONLY;
    }

    /** The IPv6 addresses peers are offered. */
    public List<InetAddress> ipv6() {
        return advertised.stream().map(InetSocketAddress::getAddress).filter(a -> a instanceof Inet6Address)
                .distinct().toList();
    }

    /** The report for a person, one finding per line, the verdict last. */
    public List<String> lines() {
        List<String> out = new ArrayList<>();
        out.add("addresses offered to peers: " + (advertised.isEmpty() ? "none"
                : advertised.stream().map(NetReport::show).collect(Collectors.joining(", "))));
        List<InetAddress> v6 = ipv6();
        out.add("IPv6: " + (v6.isEmpty() ? "no routable address" : "yes (" + v6.stream()
                .map(InetAddress::getHostAddress).collect(Collectors.joining(", ")) + ")"));
        if (relayUrl == null) {
            out.add("relay: none given (--relay URL tests the relay and UDP)");
        } else {
            String via = proxy == null ? "" : " through the HTTP proxy " + proxy;
            out.add("relay " + relayUrl + ": " + (relayMs >= 0 ? "connected in " + relayMs + " ms" + via
                    : "not reachable within " + waitMs + " ms" + via));
            out.add("UDP: " + (stunMs >= 0 && !publicAddresses.isEmpty()
                    ? "the relay's STUN answered in " + stunMs + " ms; public address "
                    + publicAddresses.stream().map(NetReport::show).collect(Collectors.joining(", "))
                    : "no STUN answer within " + waitMs + " ms (UDP blocked on this network, or the relay serves no STUN)"));
        }
        out.add("calls: " + switch (verdict()) {
            case DIRECT_POSSIBLE -> "direct where the peer's network allows it, through the relay otherwise";
            case RELAY_ONLY -> "through the relay's WebSocket (no UDP): they work, with more delay than direct";
            case LOCAL_ONLY -> "only with peers on this network (the relay cannot be reached)";
            case UNTESTED -> "not tested beyond this machine";
        });
        return out;
    }

    private static String show(InetSocketAddress a) {
        String host = a.getAddress() == null ? a.getHostString() : a.getAddress().getHostAddress();
        return (a.getAddress() instanceof Inet6Address ? "[" + host + "]" : host) + ":" + a.getPort();
    }
}
