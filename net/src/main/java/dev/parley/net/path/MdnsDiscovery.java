package dev.parley.net.path;

import dev.parley.net.identity.EndpointId;
import dev.parley.net.identity.Base32;
import dev.parley.net.ticket.EndpointAddr;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.jmdns.JmDNS;
import javax.jmdns.ServiceEvent;
import javax.jmdns.ServiceInfo;
import javax.jmdns.ServiceListener;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Finds peers on the LAN (substrate §5.1): advertises {@code _parley1._udp.local.} with the instance name
 * = lowercase base32 of the EndpointId, the QUIC port in SRV and {@code relay=URL} in TXT, and browses
 * for the same service. What it finds goes to {@link PathLayer#discovered}, so a ticket that names only a
 * relay still goes direct on a LAN. Own service, not {@code _irohv1}, so real iroh nodes are not confused.
 * JmDNS runs its own threads; registering (probing takes about a second) and closing run on a virtual
 * thread, never on the endpoint's event loop. JmDNS is given an address that already has a host name, so
 * it never makes a reverse DNS lookup (unanswered, that delayed the start by 10 s).
 */
public final class MdnsDiscovery implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MdnsDiscovery.class);
    public static final String SERVICE = "_parley1._udp.local.";

    private final EndpointId me;
    private final Consumer<EndpointAddr> found;
    private volatile JmDNS jmdns;
    private volatile boolean closed;

    private MdnsDiscovery(EndpointId me, Consumer<EndpointAddr> found) {
        this.me = me;
        this.found = found;
    }

    /** Starts advertising {@code me} at {@code address:port} (with the relay, if any) and browsing, in the background. */
    public static MdnsDiscovery start(EndpointId me, InetAddress address, int port, String relayUrl,
                                      Consumer<EndpointAddr> found) {
        MdnsDiscovery d = new MdnsDiscovery(me, found);
        Thread.ofVirtual().name("parley-mdns-start").start(() -> d.run(address, port, relayUrl));
        return d;
    }

    private void run(InetAddress address, int port, String relayUrl) {
        try {
            // An address that carries its own host name: JmDNS asks the address for its name
            // (getHostName), which for a bare address is a reverse DNS lookup; with no DNS server in reach
            // (a LAN without internet, a network namespace) that waited 2 x 5 s before mDNS started.
            String host = "parley-" + me.shortHex();
            JmDNS j = JmDNS.create(InetAddress.getByAddress(host + ".local", address.getAddress()), host);
            jmdns = j;
            if (closed) {
                j.close();
                return;
            }
            j.addServiceListener(SERVICE, new ServiceListener() {
                @Override
                public void serviceAdded(ServiceEvent event) {
                    j.requestServiceInfo(event.getType(), event.getName(), 1000);
                }

                @Override
                public void serviceRemoved(ServiceEvent event) {
                }

                @Override
                public void serviceResolved(ServiceEvent event) {
                    resolved(event.getInfo());
                }
            });
            ServiceInfo info = ServiceInfo.create(SERVICE, Base32.encodeLower(me.bytes()), port, 0, 0,
                    relayUrl == null ? Map.of() : Map.of("relay", relayUrl));
            j.registerService(info);
            LOG.info("mDNS: advertising {} on {}:{}", me.shortHex(), address.getHostAddress(), port);
        } catch (IOException | RuntimeException e) {
            LOG.warn("mDNS is off: {}", e.toString());
        }
    }

    /** A peer's service record: its id from the instance name, its addresses and port, its relay. */
    void resolved(ServiceInfo info) {
        EndpointAddr addr = toAddr(info.getName(), info.getInetAddresses(), info.getPort(), info.getPropertyString("relay"));
        if (addr != null && !addr.id().equals(me)) {
            LOG.info("mDNS: found {} at {}", addr.id().shortHex(), addr.directAddresses());
            found.accept(addr);
        }
    }

    /** The address a service record describes; null when the name is no EndpointId or nothing is usable. */
    static EndpointAddr toAddr(String instance, InetAddress[] addresses, int port, String relay) {
        byte[] id = instance == null ? null : Base32.decode(instance);
        if (id == null || id.length != EndpointId.LENGTH || port <= 0 || port > 65535) {
            return null;
        }
        EndpointId peer;
        try {
            peer = EndpointId.of(id);
        } catch (IllegalArgumentException e) {
            return null;
        }
        List<InetSocketAddress> direct = new ArrayList<>();
        for (InetAddress a : addresses == null ? new InetAddress[0] : addresses) {
            if (!a.isLoopbackAddress() && !a.isAnyLocalAddress() && !a.isMulticastAddress()) {
                direct.add(new InetSocketAddress(a, port));
            }
        }
        List<String> relays = relay == null || relay.isBlank() || relay.length() > 249 ? List.of() : List.of(relay);
        if (direct.isEmpty()) {
            return null;
        }
        try {
            return new EndpointAddr(peer, direct, relays);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    @Override
    public void close() {
        closed = true;
        JmDNS j = jmdns;
        if (j != null) {
            Thread t = Thread.ofVirtual().name("parley-mdns-close").start(() -> {
                try {
                    j.unregisterAllServices();
                    j.close();
                } catch (IOException | RuntimeException e) {
                    LOG.debug("mDNS close: {}", e.toString());
                }
            });
            try {
                t.join(2000); // goodbye packets; never hold the caller longer
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
