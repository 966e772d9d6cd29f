package dev.parley.app.headless;

import dev.parley.app.cli.ExitCodes;
import dev.parley.app.cli.RelayFlags;
import dev.parley.app.cli.Terminal;
import dev.parley.net.relay.RelayServer;
import dev.parley.net.stun.StunServer;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code parley relay}: the one place where the relay's services are put together: the packet relay and
 * its HTTP probes on TCP and STUN on UDP, on one port number; the media relay, when configured, on its own
 * (WebSocket on TCP, raw QUIC on UDP). Prints the relay URL as the first stdout line (the media relay's
 * as the second) and serves until the JVM is asked to stop; then the media relay drains (new sessions
 * refused, GOAWAY naming {@code --goaway-uri} if given, up to {@link #DRAIN} for sessions to end), everything closes and it exits 0.
 */
final class RelayRunner {
    static final Duration DRAIN = Duration.ofSeconds(3);

    private RelayRunner() {}

    static int run(RelayFlags options, Terminal terminal) {
        RelayServer.Builder builder = RelayServer.builder().bind(options.listen()).rateLimit(options.rateBytesPerSec(), 0);
        if (options.tlsCert() != null) {
            builder.tls(options.tlsCert().toFile(), options.tlsKey().toFile());
        }
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch closed = new CountDownLatch(1);
        try (RelayServer relay = builder.start();
             StunServer stun = startStun(options, relay);
             MediaRelayListeners media = options.media() == null ? null
                     : MediaRelayListeners.start(options.media(), options.tlsCert(), options.tlsKey())) {
            List<String> urls = urls(relay, options.listen().getAddress());
            terminal.out().println(urls.getFirst());
            if (media != null) {
                terminal.out().println(media.url(host(urls.getFirst())));
            }
            terminal.out().flush();
            for (String other : urls.subList(1, urls.size())) {
                terminal.err().println("parley relay: also at " + other);
            }
            terminal.err().println("parley relay: " + (stun == null ? "STUN off" : "STUN on udp " + stun.port())
                    + "; metrics at " + urls.getFirst() + "metrics" + "; Ctrl+C to stop");
            terminal.err().flush();
            if (media != null) {
                terminal.err().println("parley relay: media relay (moq-lite) on tcp and udp " + media.webSocket().getPort()
                        + ", quic endpoint " + media.endpoint().id());
                String h = host(urls.getFirst());
                terminal.err().println("parley relay: Parley clients use --moq-relay moql://" + media.endpoint().id().hex() + "@"
                        + (h.contains(":") ? "[" + h + "]" : h) + ":" + media.endpoint().localAddress().getPort()
                        + "/ (raw QUIC checked against this relay's key; no certificate needed)");
                for (String upstream : options.media().upstreams()) {
                    terminal.err().println("parley relay: linked to the moq relay "
                            + dev.parley.net.moq.session.MoqRelayUrl.parse(upstream).redacted() + " (re-dialed when it drops)");
                }
                if (media.tls()) {
                    String https = media.url(host(urls.getFirst())).replaceFirst("^wss", "https");
                    terminal.err().println("parley relay: clients use --moq-relay " + https
                            + " (raw QUIC and WebSocket raced), moql:// for raw QUIC only, wss:// for WebSocket only");
                }
                terminal.err().println("parley relay: " + (media.page()
                        ? "web page at " + media.pageUrl(host(urls.getFirst())) + " (watch, ticket, room/<topic-hex>)"
                        : "no web page in this build (it is bundled when Node and npm are present at build time)"));
                terminal.err().flush();
            }
            Thread hook = new Thread(() -> {
                if (media != null) {
                    media.relay().drain(DRAIN, options.media().goawayUri() == null ? "" : options.media().goawayUri());
                }
                stop.countDown();
                try {
                    closed.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                terminal.out().flush();
                terminal.err().flush();
                Runtime.getRuntime().halt(ExitCodes.OK);
            }, "relay-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | IOException e) {
            terminal.err().println("parley relay: " + e.getMessage());
            terminal.err().flush();
            closed.countDown();
            return ExitCodes.FAILED;
        }
        closed.countDown();
        return ExitCodes.OK;
    }

    /** The host part of a URL that {@link RelayServer#url} made. */
    private static String host(String url) {
        String rest = url.substring(url.indexOf("://") + 3);
        String host = rest.substring(0, rest.lastIndexOf(':'));
        return host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    }

    /** STUN on the relay's own event loops: the given port, else the relay's port number; none for 0. */
    private static StunServer startStun(RelayFlags options, RelayServer relay) {
        int port = options.stunPort() == null ? relay.port() : options.stunPort();
        if (port == 0) {
            return null;
        }
        return StunServer.start(new InetSocketAddress(options.listen().getAddress(), port), relay.group());
    }

    /** The relay's URLs: the bound address, or for a wildcard bind every interface's (non-loopback first). */
    static List<String> urls(RelayServer relay, InetAddress bound) {
        if (!bound.isAnyLocalAddress()) {
            return List.of(relay.url(bound.getHostAddress()));
        }
        List<String> out = new ArrayList<>();
        List<String> loopback = new ArrayList<>();
        try {
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nif.isUp()) {
                    continue;
                }
                for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                    if (!(a instanceof Inet4Address) && bound instanceof Inet4Address || a.isLinkLocalAddress()) {
                        continue; // a 0.0.0.0 listener does not take IPv6
                    }
                    String host = a.getHostAddress().replaceAll("%.*$", "");
                    (a.isLoopbackAddress() ? loopback : out).add(relay.url(host));
                }
            }
        } catch (SocketException e) {
            // no interface list: the loopback URL below still works locally
        }
        out.addAll(loopback);
        if (out.isEmpty()) {
            out.add(relay.url("127.0.0.1"));
        }
        return out;
    }
}
