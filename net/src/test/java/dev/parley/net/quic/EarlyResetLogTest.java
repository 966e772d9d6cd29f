package dev.parley.net.quic;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.parley.net.identity.Identity;
import dev.parley.net.transport.Connection;
import dev.parley.net.transport.SendStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static dev.parley.net.quic.EndpointTest.ALPN;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A peer that resets streams the moment it opens them, then goes away, as a leaving peer does: the
 * receiving side logs nothing at WARN (these are normal ends), and keeps working.
 */
@Timeout(60)
class EarlyResetLogTest {
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

    @AfterEach
    void closeAll() throws Exception {
        root.detachAppender(appender);
        for (AutoCloseable c : toClose.reversed()) {
            c.close();
        }
    }

    @Test
    void streamsResetBeforeTheyAreSetUpAreQuiet() throws Exception {
        appender.start();
        root.addAppender(appender);
        LinkedBlockingQueue<Connection> accepted = new LinkedBlockingQueue<>();
        Endpoint server = Endpoint.bind(EndpointConfig.loopback(Identity.generate()));
        toClose.add(server);
        server.register(ALPN, accepted::add);
        for (int round = 0; round < 5; round++) {
            Endpoint client = Endpoint.bind(EndpointConfig.loopback(Identity.generate()));
            Connection c = client.connect(server.addr(), ALPN).get(10, TimeUnit.SECONDS);
            Connection s = accepted.poll(10, TimeUnit.SECONDS);
            assertThat(s).isNotNull();
            for (int i = 0; i < 50; i++) {
                SendStream up = c.openUni();
                up.write(new byte[] {(byte) i});
                up.reset(7);
            }
            client.close(); // gone with streams in flight
        }
        // the server still serves a well-behaved client
        Endpoint client = Endpoint.bind(EndpointConfig.loopback(Identity.generate()));
        toClose.add(client);
        Connection c = client.connect(server.addr(), ALPN).get(10, TimeUnit.SECONDS);
        assertThat(accepted.poll(10, TimeUnit.SECONDS)).isNotNull();
        c.close(0, "done");
        Thread.sleep(300); // let the last resets reach the server's pipelines
        assertThat(appender.list).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                .extracting(e -> e.getLoggerName() + ": " + e.getFormattedMessage()).isEmpty();
    }
}
