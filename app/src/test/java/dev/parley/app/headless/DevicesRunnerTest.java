package dev.parley.app.headless;

import dev.parley.app.cli.ExitCodes;
import dev.parley.app.cli.Terminal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

class DevicesRunnerTest {
    @Test
    @Timeout(60)
    void listsEveryKindAndTheEncoderThatOpened() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Terminal terminal = new Terminal(new PrintWriter(out), new PrintWriter(err), new ByteArrayInputStream(new byte[0]));

        int code = new HeadlessEngines().devices(terminal);

        assertThat(code).isEqualTo(ExitCodes.OK);
        assertThat(out.toString()).contains("Cameras:", "Microphones:", "Screens:")
                .containsPattern("H\\.264 encoder: \\S+");
        assertThat(err.toString()).isEmpty();
    }
}
