package dev.parley.net.moq.session;

import dev.parley.net.moq.model.MoqError;
import dev.parley.net.moq.model.MoqException;
import dev.parley.net.moq.wire.ClientSetup;
import dev.parley.net.moq.wire.DecodeException;
import dev.parley.net.moq.wire.Version;
import dev.parley.net.transport.BidiStream;
import dev.parley.net.transport.Connection;
import dev.parley.net.transport.TransportException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The server side of the legacy in-band version negotiation, for connections whose binding carried no
 * app protocol (a bare {@code qmux-00} WebSocket, what {@code @moq/lite} 0.2.2's default connect offers):
 * the client's first bidi stream carries CLIENT_SETUP, Parley answers SERVER_SETUP with the newest
 * version both speak (only lite-02 can be agreed this way) and keeps the stream as the session stream.
 * A missing, malformed or unagreeable SETUP closes the connection with the moq {@code Version} code (9)
 * and a reason, within {@link #TIMEOUT}.
 */
record LegacySetup(Version version, BidiStream stream) {
    private static final Logger LOG = LoggerFactory.getLogger(LegacySetup.class);
    /** How long the client has to open its SETUP stream and send CLIENT_SETUP. */
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** The versions Parley agrees to in a legacy SETUP, newest first. */
    static final List<Version> ACCEPTED = List.of(Version.LITE_02);

    static LegacySetup accept(Connection connection, SessionConfig config) {
        CompletableFuture<LegacySetup> result = new CompletableFuture<>();
        Thread reader = Thread.ofVirtual().name("moq-legacy-setup").start(() -> {
            try {
                BidiStream s = connection.acceptBidi();
                MessageReader in = new MessageReader(s.recv(), config.wire());
                ClientSetup setup = in.read(ClientSetup.grammar());
                if (setup == null) {
                    throw new MoqException(MoqError.VERSION, "the SETUP stream ended before CLIENT_SETUP");
                }
                Version v = setup.choose(ACCEPTED).orElseThrow(() -> new MoqException(MoqError.VERSION,
                        "no common moq-lite version in the legacy SETUP (offered " + hex(setup.versions())
                                + "; Parley speaks moq-lite-02 in-band, or moq-lite-05/04/03 as qmux-00.<version>)"));
                s.send().write(ClientSetup.serverSetup(v));
                s.send().flush();
                result.complete(new LegacySetup(v, s));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                result.completeExceptionally(e);
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        String why;
        try {
            LegacySetup done = result.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            LOG.debug("legacy SETUP agreed {}", done.version().alpn());
            return done;
        } catch (TimeoutException e) {
            why = "no legacy SETUP within " + TIMEOUT.toSeconds() + " s";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            why = "interrupted during the legacy SETUP";
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            why = c instanceof DecodeException d ? "malformed legacy SETUP: " + d.getMessage()
                    : c instanceof MoqException m ? m.getMessage()
                    : "legacy SETUP failed: " + c;
        }
        reader.interrupt();
        LOG.info("refusing {}: {}", connection.remoteAddress(), why);
        connection.close(MoqError.VERSION.wireCode(), why);
        throw new MoqException(MoqError.VERSION, why);
    }

    /** Reads the session stream to its end; lite-02 clients send nothing more on it that Parley needs. */
    void drain(String session) {
        byte[] buf = new byte[256];
        try {
            while (stream.recv().read(buf, 0, buf.length) >= 0) {
                // SESSION_INFO bitrates: informational
            }
            Streams.finishQuietly(stream.send());
        } catch (TransportException e) {
            LOG.trace("{}: session stream ended: {}", session, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String hex(List<Long> codes) {
        return codes.stream().map(c -> "0x" + Long.toHexString(c)).toList().toString();
    }
}
