package dev.parley.media.watch;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.parley.media.codec.VideoPreset;
import dev.parley.media.frame.VideoFrame;
import dev.parley.media.playout.NullAudioSink;
import dev.parley.media.publish.LocalMedia;
import dev.parley.media.publish.PublishOptions;
import dev.parley.net.moq.model.BroadcastConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A watched broadcast whose handle the room closed and whose publisher then went away (a peer
 * leaving or its link dropping) is a normal end: the watcher's control loop logs nothing at WARN.
 */
@Timeout(60)
class EndedBroadcastQuietTest {

    @Test
    void aClosedHandleOfAnEndedBroadcastIsNotAWarning() throws Exception {
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        Logger logger = (Logger) LoggerFactory.getLogger(RemoteMedia.class);
        logger.addAppender(appender);
        try {
            LocalMedia local = LocalMedia.withTestSources(PublishOptions.defaults().withEncoder("libx264")
                    .withPresets(VideoPreset.P180));
            BroadcastConsumer consumer = local.broadcast().consume();
            try (RemoteMedia remote = new RemoteMedia(consumer, WatchOptions.defaults().withAudioSink(new NullAudioSink()))) {
                VideoFrame f = remote.takeFrame(Duration.ofSeconds(20));
                assertThat(f).as("video flows before the end").isNotNull();
                f.close();
                consumer.close(); // the room ends its subscription ...
                local.close();    // ... and the publisher is gone: the tracks end, the watcher tries to resubscribe
                Thread.sleep(1000); // five control ticks
            }
        } finally {
            logger.detachAppender(appender);
        }
        assertThat(appender.list).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                .extracting(ILoggingEvent::getFormattedMessage).isEmpty();
    }
}
