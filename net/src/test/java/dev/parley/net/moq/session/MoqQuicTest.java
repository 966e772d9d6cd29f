package dev.parley.net.moq.session;

import dev.parley.net.identity.Identity;
import dev.parley.net.moq.model.BroadcastConsumer;
import dev.parley.net.moq.model.BroadcastProducer;
import dev.parley.net.moq.model.GroupConsumer;
import dev.parley.net.moq.model.GroupProducer;
import dev.parley.net.moq.model.TrackConsumer;
import dev.parley.net.moq.model.TrackInfo;
import dev.parley.net.moq.model.TrackProducer;
import dev.parley.net.quic.Endpoint;
import dev.parley.net.quic.EndpointConfig;
import dev.parley.net.testing.UdpProxy;
import dev.parley.net.ticket.EndpointAddr;
import dev.parley.net.transport.CloseReason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.parley.net.moq.session.SessionPairTest.frame;
import static dev.parley.net.moq.session.SessionWireTest.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

/** Parley endpoints talking moq-lite-03 over real QUIC on 127.0.0.1. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class MoqQuicTest {
    static final String CATALOG = "{\"video\":{\"renditions\":{\"video/hd\":{\"codec\":\"avc1.64001f\"}}}}";
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose.reversed()) {
            c.close();
        }
    }

    private Endpoint endpoint(Duration idle) {
        Endpoint e = Endpoint.bind(EndpointConfig.loopback(Identity.generate()).withIdleTimeout(idle));
        toClose.add(e);
        return e;
    }

    private Moq moq(Endpoint e, boolean autoAccept) {
        Moq m = Moq.attach(e, Moq.Options.DEFAULT.withAutoAccept(autoAccept));
        toClose.add(m);
        return m;
    }

    @Test
    void announceCatalogAndCheckedFramesAcrossManyGroups() throws Exception {
        Endpoint a = endpoint(Duration.ofSeconds(30));
        Endpoint b = endpoint(Duration.ofSeconds(30));
        Moq pub = moq(a, false);
        Moq sub = moq(b, false);

        BroadcastProducer demo = new BroadcastProducer();
        TrackProducer catalog = demo.createTrack(new TrackInfo("catalog.json", TrackInfo.PRIORITY_CATALOG));
        TrackProducer video = demo.createTrack(new TrackInfo("video/hd", TrackInfo.PRIORITY_VIDEO));
        catalog.appendGroupWithFrame(CATALOG.getBytes(StandardCharsets.UTF_8));
        pub.publish("demo", demo.consume());

        MoqSession session = sub.connect(a.addr()).get(20, TimeUnit.SECONDS);
        IncomingSession in = pub.nextIncoming(Duration.ofSeconds(20)).orElseThrow();
        assertThat(in.remoteId()).contains(b.id());
        MoqSession served = in.accept();
        assertThat(session.remoteId()).contains(a.id());
        // connect() again returns the same live session
        assertThat(sub.connect(a.addr()).get(5, TimeUnit.SECONDS)).isSameAs(session);
        assertThat(pub.publishedBroadcasts()).containsExactly("demo");

        BroadcastConsumer remote = session.subscribe("demo", Duration.ofSeconds(20));
        TrackConsumer cat = remote.subscribe(new TrackInfo("catalog.json", TrackInfo.PRIORITY_CATALOG));
        assertThat(new String(cat.nextGroup().readFrame(), StandardCharsets.UTF_8)).isEqualTo(CATALOG);

        TrackConsumer vid = remote.subscribe(new TrackInfo("video/hd", TrackInfo.PRIORITY_VIDEO))
                .maxLatency(Duration.ofSeconds(30));
        awaitTrue(() -> served.servedSubscriptions() == 2);
        for (int g = 0; g < 40; g++) {
            GroupProducer gp = video.appendGroup();
            for (int f = 0; f < 10; f++) {
                gp.writeFrame(frame(g, f, f == 0 ? 60_000 : 10_000));
            }
            gp.close();
            GroupConsumer gc = vid.nextGroup(Duration.ofSeconds(20));
            assertThat(gc.sequence()).isEqualTo(g);
            for (int f = 0; f < 10; f++) {
                assertThat(gc.readFrame(Duration.ofSeconds(20))).isEqualTo(frame(g, f, f == 0 ? 60_000 : 10_000));
            }
        }
        demo.close();
        assertThat(vid.nextGroup(Duration.ofSeconds(20))).isNull();
        assertThat(session.closed()).isNotDone();
    }

    @Test
    void concurrentConnectsShareOneDial() throws Exception {
        Endpoint a = endpoint(Duration.ofSeconds(30));
        Endpoint b = endpoint(Duration.ofSeconds(30));
        moq(a, true);
        Moq sub = moq(b, false);
        List<CompletableFuture<MoqSession>> dials = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            dials.add(sub.connect(a.addr()));
        }
        MoqSession first = dials.getFirst().get(20, TimeUnit.SECONDS);
        for (CompletableFuture<MoqSession> d : dials) {
            assertThat(d.get(20, TimeUnit.SECONDS)).isSameAs(first);
        }
        assertThat(sub.sessions()).containsExactly(first);
    }

    @Test
    void aSubscriberVanishingMidStreamDoesNotDisturbAnother() throws Exception {
        Endpoint a = endpoint(Duration.ofSeconds(3));
        Endpoint b = endpoint(Duration.ofSeconds(30));
        Endpoint c = endpoint(Duration.ofSeconds(30));
        Moq pub = moq(a, true);
        Moq subB = moq(b, false);
        Moq subC = moq(c, false);
        BroadcastProducer cam = new BroadcastProducer();
        TrackProducer video = cam.createTrack(new TrackInfo("video/hd", TrackInfo.PRIORITY_VIDEO));
        pub.publish("cam", cam.consume());

        UdpProxy proxy = new UdpProxy(a.localAddress());
        toClose.add(proxy);
        MoqSession sb = subB.connect(a.addr()).get(20, TimeUnit.SECONDS);
        MoqSession sc = subC.connect(EndpointAddr.of(a.id(), proxy.address())).get(20, TimeUnit.SECONDS);
        TrackConsumer vb = sb.subscribe("cam", Duration.ofSeconds(20)).subscribe(new TrackInfo("video/hd", 60))
                .maxLatency(Duration.ofSeconds(30));
        TrackConsumer vc = sc.subscribe("cam", Duration.ofSeconds(20)).subscribe(new TrackInfo("video/hd", 60))
                .maxLatency(Duration.ofSeconds(30));
        awaitTrue(() -> pub.sessions().stream().mapToInt(MoqSession::servedSubscriptions).sum() == 2);

        AtomicBoolean running = new AtomicBoolean(true);
        int groups = 150; // 5 s of 30 fps, one frame per group
        Thread producer = Thread.ofVirtual().start(() -> {
            for (int g = 0; g < groups && running.get(); g++) {
                GroupProducer gp = video.appendGroup();
                gp.writeFrame(frame(g, 0, 10_000));
                gp.close();
                try {
                    Thread.sleep(33);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        // C reads a few groups, then its network disappears without a close
        for (int i = 0; i < 10; i++) {
            assertThat(vc.nextGroup(Duration.ofSeconds(20))).isNotNull();
        }
        proxy.loss(100);
        long last = -1;
        int got = 0;
        while (last < groups - 1) {
            GroupConsumer gc = vb.nextGroup(Duration.ofSeconds(20));
            assertThat(gc.sequence()).isGreaterThan(last);
            last = gc.sequence();
            assertThat(gc.readFrame(Duration.ofSeconds(20))).isEqualTo(frame((int) last, 0, 10_000));
            got++;
        }
        producer.join();
        assertThat(got).as("B received (almost) every group while C vanished").isGreaterThan(groups * 9 / 10);
        // A notices C is gone by idle timeout, and only that session ends
        awaitTrue(() -> pub.sessions().size() == 1);
        assertThat(sb.closed()).isNotDone();
    }

    @Test
    void localCloseIsReportedOnBothSides() throws Exception {
        Endpoint a = endpoint(Duration.ofSeconds(30));
        Endpoint b = endpoint(Duration.ofSeconds(30));
        Moq pub = moq(a, true);
        Moq sub = moq(b, false);
        MoqSession s = sub.connect(a.addr()).get(20, TimeUnit.SECONDS);
        awaitTrue(() -> pub.sessions().size() == 1);
        MoqSession served = pub.sessions().getFirst();
        s.close(70, "leaving");
        assertThat(s.closed().get(10, TimeUnit.SECONDS)).isEqualTo(new CloseReason.Local(70, "leaving"));
        assertThat(served.closed().get(10, TimeUnit.SECONDS)).isEqualTo(new CloseReason.Remote(70, "leaving"));
        awaitTrue(() -> pub.sessions().isEmpty() && sub.sessions().isEmpty());
    }

    @Test
    void managerPublishesToLiveSessionsRejectsAndStops() throws Exception {
        Endpoint a = endpoint(Duration.ofSeconds(30));
        Endpoint b = endpoint(Duration.ofSeconds(30));
        Endpoint c = endpoint(Duration.ofSeconds(30));
        Moq pub = moq(a, false);
        Moq sub = moq(b, false);
        Moq other = moq(c, false);

        MoqSession s = sub.connect(a.addr()).get(20, TimeUnit.SECONDS);
        pub.nextIncoming(Duration.ofSeconds(20)).orElseThrow().accept();
        // published after the session exists: still reaches it
        BroadcastProducer late = new BroadcastProducer();
        TrackProducer chat = late.createTrack(new TrackInfo("chat", TrackInfo.PRIORITY_CHAT));
        pub.publish("late", late.consume());
        TrackConsumer t = s.subscribe("late", Duration.ofSeconds(20)).subscribe(new TrackInfo("chat", 90));
        awaitTrue(() -> pub.sessions().getFirst().servedSubscriptions() == 1);
        chat.appendGroupWithFrame("hello".getBytes(StandardCharsets.UTF_8));
        assertThat(t.nextGroup(Duration.ofSeconds(20)).readFrame(Duration.ofSeconds(20))).isEqualTo("hello".getBytes(StandardCharsets.UTF_8));
        // a broadcast that ends leaves the manager and is announced as ended
        late.close();
        awaitTrue(() -> pub.publishedBroadcasts().isEmpty());
        assertThat(t.nextGroup(Duration.ofSeconds(20))).isNull();

        // a rejected peer sees code 1
        MoqSession rejected = other.connect(a.addr()).get(20, TimeUnit.SECONDS);
        pub.nextIncoming(Duration.ofSeconds(20)).orElseThrow().reject();
        assertThat(rejected.closed().get(10, TimeUnit.SECONDS)).isEqualTo(new CloseReason.Remote(1, "rejected"));

        pub.shutdown();
        assertThat(s.closed().get(10, TimeUnit.SECONDS)).isEqualTo(new CloseReason.Remote(0, "shutdown"));
        org.assertj.core.api.Assertions.assertThatThrownBy(pub::publishedBroadcasts).isInstanceOf(dev.parley.net.actor.ActorStoppedException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> pub.connect(b.addr())).isInstanceOf(dev.parley.net.actor.ActorStoppedException.class);
    }
}
