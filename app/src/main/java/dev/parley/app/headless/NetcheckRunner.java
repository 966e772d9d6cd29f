package dev.parley.app.headless;

import dev.parley.app.cli.ExitCodes;
import dev.parley.app.cli.NetFlags;
import dev.parley.app.cli.Terminal;
import dev.parley.net.identity.Identity;
import dev.parley.net.path.NetReport;
import dev.parley.net.quic.Endpoint;
import dev.parley.net.quic.EndpointConfig;
import dev.parley.net.transport.HttpProxy;

import java.net.URI;
import java.time.Duration;

/**
 * {@code parley netcheck}: binds an endpoint as a call would (a fresh identity, the home relay if given,
 * no mDNS), waits for the relay link and its STUN answer, and prints a {@link NetReport}. Times count from
 * the endpoint being up, when the relay dial and the first STUN request start.
 */
final class NetcheckRunner {
    private NetcheckRunner() {}

    static int run(NetFlags net, Duration wait, Terminal terminal) {
        EndpointConfig config = net.apply(EndpointConfig.of(Identity.generate())).withMdns(false);
        try (Endpoint endpoint = Endpoint.bind(config)) {
            long start = System.nanoTime();
            long deadline = start + wait.toNanos();
            long relayAt = -1;
            long stunAt = -1;
            while (net.relay() != null && System.nanoTime() < deadline && (relayAt < 0 || stunAt < 0)) {
                long now = System.nanoTime();
                if (relayAt < 0 && endpoint.paths().relayConnected()) {
                    relayAt = now;
                }
                if (stunAt < 0 && !endpoint.paths().reflexiveAddresses().isEmpty()) {
                    stunAt = now;
                }
                Thread.sleep(5);
            }
            NetReport report = new NetReport(endpoint.addr().directAddresses(), net.relay(), proxyOf(net.relay()),
                    relayAt < 0 ? -1 : (relayAt - start) / 1_000_000, stunAt < 0 ? -1 : (stunAt - start) / 1_000_000,
                    endpoint.paths().reflexiveAddresses(), wait.toMillis());
            report.lines().forEach(terminal.out()::println);
            terminal.out().flush();
            return report.verdict() == NetReport.Verdict.LOCAL_ONLY ? ExitCodes.FAILED : ExitCodes.OK;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCodes.FAILED;
        }
    }

    /** The proxy the relay link uses (the same reading as the link's own), for the report. */
    private static String proxyOf(String relayUrl) {
        if (relayUrl == null) {
            return null;
        }
        URI ws = dev.parley.net.relay.RelayClient.webSocketUri(relayUrl); // checked by the command line
        return HttpProxy.forTarget("wss".equals(ws.getScheme()), ws.getHost()).map(HttpProxy::toString).orElse(null);
    }
}
