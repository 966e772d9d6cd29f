package dev.parley.app.headless;

import dev.parley.app.cli.ExitCodes;
import dev.parley.app.cli.Terminal;
import dev.parley.app.cli.WatchFlags;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class WatchRunnerTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final Terminal terminal = new Terminal(new PrintWriter(out), new PrintWriter(err), new ByteArrayInputStream(new byte[0]));

    @Test
    void garbageTicketIsOneClearLineAndExitTwo() {
        int code = new HeadlessEngines().watch(new WatchFlags("not-a-ticket", "auto", Duration.ofSeconds(1)), terminal);

        assertThat(code).isEqualTo(ExitCodes.USAGE).isEqualTo(2);
        assertThat(out.toString()).isEmpty();
        assertThat(err.toString().lines().toList()).singleElement().asString()
                .startsWith("parley watch: bad ticket: ").contains("parley:");
    }

    @Test
    void badBase64AddressIsRejectedToo() {
        int code = new HeadlessEngines().watch(new WatchFlags("parley:%%%%/live", "auto", null), terminal);

        assertThat(code).isEqualTo(2);
        assertThat(err.toString().lines().toList()).singleElement().asString().startsWith("parley watch: bad ticket: ");
    }
}
