package dev.parley.net.moq.model;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class BroadcastTest {
    private final BroadcastProducer broadcast = new BroadcastProducer();

    @Test
    void subscribeFindsAnExistingTrack() {
        TrackProducer catalog = broadcast.createTrack(new TrackInfo("catalog.json", TrackInfo.PRIORITY_CATALOG));
        BroadcastConsumer bc = broadcast.consume();
        TrackConsumer c = bc.subscribe("catalog.json", 100);
        byte[] json = "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        catalog.appendGroupWithFrame(json);
        assertThat(c.nextGroup().readFrame()).isSameAs(json);
        assertThat(c.info()).isEqualTo(new TrackInfo("catalog.json", 100));
        assertThat(broadcast.trackNames()).containsExactly("catalog.json");
    }

    @Test
    void missingTrackIsNotFoundWithoutAHandler() {
        assertThatThrownBy(() -> broadcast.consume().subscribe("video", 60))
                .isInstanceOfSatisfying(MoqException.class, e -> assertThat(e.error()).isEqualTo(MoqError.NOT_FOUND));
    }

    @Test
    void duplicateTrackNamesAreRejected() {
        broadcast.createTrack(new TrackInfo("audio", 80));
        assertThatThrownBy(() -> broadcast.createTrack(new TrackInfo("audio", 80)))
                .isInstanceOfSatisfying(MoqException.class, e -> assertThat(e.error()).isEqualTo(MoqError.DUPLICATE));
    }

    @Test
    void endedTrackLeavesTheBroadcast() {
        TrackProducer t = broadcast.createTrack(new TrackInfo("audio", 80));
        t.close();
        assertThat(broadcast.track("audio")).isEmpty();
        assertThat(broadcast.createTrack(new TrackInfo("audio", 80))).isNotSameAs(t);
    }

    @Test
    void dynamicTrackIsCreatedOnDemandAndRemovedWhenUnused() throws Exception {
        List<TrackRequest> requests = new ArrayList<>();
        broadcast.setTrackRequestHandler(requests::add);
        BroadcastConsumer bc = broadcast.consume();

        TrackConsumer first = bc.subscribe("video/hd", 60);
        assertThat(requests).hasSize(1);
        TrackRequest req = requests.getFirst();
        assertThat(req.info()).isEqualTo(new TrackInfo("video/hd", 60));
        assertThat(req.producer().consumerCount()).isEqualTo(1);
        CompletableFuture<Void> stopEncoder = req.producer().unused();
        assertThat(stopEncoder).isNotDone();

        // A second subscriber shares the running track: no new request.
        TrackConsumer second = bc.subscribe("video/hd", 70);
        assertThat(requests).hasSize(1);
        byte[] frame = {1, 2};
        req.producer().appendGroupWithFrame(frame);
        assertThat(first.nextGroup().readFrame()).isSameAs(frame);
        assertThat(second.nextGroup().readFrame()).isSameAs(frame);

        first.close();
        second.close();
        assertThat(stopEncoder.get(1, TimeUnit.SECONDS)).isNull();
        assertThat(broadcast.track("video/hd")).isEmpty();

        // Watching again starts a new request.
        bc.subscribe("video/hd", 60).close();
        assertThat(requests).hasSize(2);
        assertThat(requests.get(1).producer()).isNotSameAs(req.producer());
    }

    @Test
    void handlerCanRefuseARequest() {
        broadcast.setTrackRequestHandler(r -> r.producer().abort(MoqError.NOT_FOUND));
        TrackConsumer c = broadcast.consume().subscribe("nope", 1);
        assertThatThrownBy(c::nextGroup)
                .isInstanceOfSatisfying(MoqException.class, e -> assertThat(e.error()).isEqualTo(MoqError.NOT_FOUND));
        assertThat(broadcast.track("nope")).isEmpty();
    }

    @Test
    void throwingHandlerFailsTheSubscription() {
        broadcast.setTrackRequestHandler(r -> {
            throw new IllegalStateException("no camera");
        });
        assertThatThrownBy(() -> broadcast.consume().subscribe("video", 60))
                .isInstanceOfSatisfying(MoqException.class, e -> assertThat(e.error()).isEqualTo(MoqError.NOT_FOUND));
        assertThat(broadcast.track("video")).isEmpty();
    }

    @Test
    void closeEndsTracksAndRejectsSubscribers() {
        TrackProducer audio = broadcast.createTrack(new TrackInfo("audio", 80));
        BroadcastConsumer bc = broadcast.consume();
        TrackConsumer c = bc.subscribe("audio", 80);
        CompletableFuture<Void> closed = bc.closed();
        broadcast.close();
        assertThat(audio.isEnded()).isTrue();
        assertThat(c.nextGroup()).isNull();
        assertThat(closed).isCompleted();
        assertThat(bc.isEnded()).isTrue();
        assertThatThrownBy(() -> bc.subscribe("audio", 80))
                .isInstanceOfSatisfying(MoqException.class, e -> assertThat(e.error()).isEqualTo(MoqError.CLOSED));
    }

    @Test
    void abortPropagatesToTracks() {
        broadcast.createTrack(new TrackInfo("audio", 80));
        TrackConsumer c = broadcast.consume().subscribe("audio", 80);
        broadcast.abort(MoqError.UNAUTHORIZED);
        assertThatThrownBy(c::nextGroup)
                .isInstanceOfSatisfying(MoqException.class, e -> assertThat(e.wireCode()).isEqualTo(6));
        assertThat(broadcast.closed()).isCompletedExceptionally();
    }

    @Test
    void unusedCountsConsumerHandles() {
        assertThat(broadcast.unused()).isCompleted();
        BroadcastConsumer a = broadcast.consume();
        BroadcastConsumer b = a.copy();
        CompletableFuture<Void> idle = broadcast.unused();
        a.close();
        assertThat(idle).isNotDone();
        b.close();
        assertThat(idle).isCompleted();
        assertThat(a.sameBroadcast(b)).isTrue();
        assertThatThrownBy(() -> a.subscribe("x", 1)).isInstanceOf(IllegalStateException.class);
    }
}
