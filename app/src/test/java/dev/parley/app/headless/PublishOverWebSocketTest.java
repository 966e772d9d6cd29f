package dev.parley.app.headless;

import dev.parley.media.frame.VideoFrame;
import dev.parley.media.playout.NullAudioSink;
import dev.parley.media.watch.RemoteMedia;
import dev.parley.media.watch.WatchOptions;
import dev.parley.net.moq.session.MoqSession;
import dev.parley.net.qmux.QmuxClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code parley publish --ws} in a child JVM; this JVM watches it over ws:// with the Java QMux client. */
@Timeout(120)
class PublishOverWebSocketTest {
    @Test
    void watchOverWebSocketDecodesFrames() throws Exception {
        Process publisher = PublishWatchEndToEndTest.parley("publish", "--test-source", "--name", "ws", "--renditions", "180p",
                "--bind", "127.0.0.1:0", "--ws", "127.0.0.1:0");
        try {
            String ticket = new BufferedReader(new InputStreamReader(publisher.getInputStream(), StandardCharsets.UTF_8)).readLine();
            assertThat(ticket).startsWith("parley:");
            Pattern url = Pattern.compile("at (ws://127\\.0\\.0\\.1:\\d+/)");
            Matcher m = url.matcher("");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!m.find() && System.nanoTime() < deadline) {
                Thread.sleep(50);
                m = url.matcher(Files.readString(PublishWatchEndToEndTest.stderrPath("publish")));
            }
            assertThat(m.hasMatch()).as("ws URL on stderr").isTrue();
            try (QmuxClient client = new QmuxClient()) {
                MoqSession session = MoqSession.start(client.connect(m.group(1)));
                try (RemoteMedia remote = new RemoteMedia(session.subscribe("ws", Duration.ofSeconds(10)),
                        WatchOptions.defaults().withAudioSink(new NullAudioSink()))) {
                    for (int i = 0; i < 10; i++) {
                        try (VideoFrame f = remote.takeFrame(Duration.ofSeconds(10))) {
                            assertThat(f).as("frame %d over ws", i).isNotNull();
                            assertThat(f.width()).isEqualTo(320);
                        }
                    }
                }
                session.close();
            }
        } finally {
            publisher.destroy();
            publisher.waitFor(30, TimeUnit.SECONDS);
        }
        assertThat(publisher.exitValue()).isZero();
    }
}
