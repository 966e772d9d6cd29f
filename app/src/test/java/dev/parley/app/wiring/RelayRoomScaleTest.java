package dev.parley.app.wiring;

import dev.parley.media.codec.VideoPreset;
import dev.parley.media.publish.LocalMedia;
import dev.parley.media.publish.PublishOptions;
import dev.parley.net.identity.EndpointId;
import dev.parley.net.identity.Identity;
import dev.parley.net.moq.model.BroadcastConsumer;
import dev.parley.net.moq.model.GroupConsumer;
import dev.parley.net.moq.model.MoqException;
import dev.parley.net.moq.model.TrackConsumer;
import dev.parley.net.moq.model.TrackInfo;
import dev.parley.net.moq.relay.JwtScopeResolver;
import dev.parley.net.moq.relay.MoqRelay;
import dev.parley.net.moq.relay.Permission;
import dev.parley.net.moq.relay.ScopePath;
import dev.parley.net.moq.session.MoqSession;
import dev.parley.net.quic.Endpoint;
import dev.parley.net.quic.EndpointConfig;
import dev.parley.rooms.JoinedRoom;
import dev.parley.rooms.RelayRoom;
import dev.parley.rooms.RoomEvent;
import dev.parley.rooms.RoomOptions;
import dev.parley.rooms.ticket.RoomMode;
import dev.parley.rooms.ticket.RoomTicket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A relay room on this machine: N participants (4 in the normal run, 12 with {@code -Dparley.long=true})
 * publishing the test source at 180p plus Opus through one in-process {@link MoqRelay} (the relay of
 * {@code parley relay --public /parley/rooms}), each watching every other one's video and audio tracks.
 * Asserts that everyone receives everyone and that each publisher uploads one copy per track: the relay
 * holds exactly one subscription per track on each publisher's session (not one per watcher), and the
 * bytes a publisher sends are about the bytes one watcher receives from it, not N−1 times that.
 * Prints the numbers (docs/rooms-relay.md).
 */
@Timeout(300)
class RelayRoomScaleTest {
    private static final String VIDEO = VideoPreset.P180.trackName();
    private static final String AUDIO = "audio/opus";
    /** The most tracks a relay-room participant reads from each other one: video, audio, its room feed (chat, history, state). */
    private static final int TRACKS_PER_PUBLISHER = 5;

    private record Pair(EndpointId watcher, EndpointId publisher) {}

    private static final class Counts {
        final AtomicLong videoFrames = new AtomicLong();
        final AtomicLong bytes = new AtomicLong();
    }

    @Test
    void everyoneSeesEveryoneAndEachPublisherUploadsOneCopyPerTrack() throws Exception {
        int n = Boolean.getBoolean("parley.long") ? 12 : 4;
        List<AutoCloseable> closeables = new ArrayList<>();
        Map<Pair, Counts> counts = new ConcurrentHashMap<>();
        List<RelayRoom> rooms = new ArrayList<>();
        List<Thread> readers = new ArrayList<>();
        java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
        var cpu = ManagementFactory.getPlatformMXBean(com.sun.management.OperatingSystemMXBean.class);
        try {
            Endpoint relayEndpoint = Endpoint.bind(EndpointConfig.loopback(Identity.generate()));
            closeables.add(relayEndpoint);
            MoqRelay relay = new MoqRelay(new JwtScopeResolver(Optional.empty(),
                    List.of(new JwtScopeResolver.PublicPrefix(ScopePath.parse("/parley/rooms"), Permission.READ_WRITE)),
                    Clock.systemUTC())).attach(relayEndpoint);
            closeables.add(relay);
            InetSocketAddress ws = relay.listenWebSocket(new InetSocketAddress("127.0.0.1", 0), Optional.empty());
            RoomTicket ticket = RoomTicket.generate(RoomMode.RELAY, "http://127.0.0.1:" + ws.getPort() + "/");

            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                Endpoint e = Endpoint.bind(EndpointConfig.loopback(Identity.generate()));
                closeables.add(e);
                LocalMedia media = LocalMedia.withTestSources(PublishOptions.defaults().withPresets(VideoPreset.P180));
                closeables.add(media);
                RelayRoom room = (RelayRoom) JoinedRoom.join(e, ticket, RoomOptions.defaults().withDisplayName("p" + i));
                closeables.add(room);
                rooms.add(room);
                room.handle().publish(RoomsCallService.CAMERA, media.broadcast()).get(10, TimeUnit.SECONDS);
                EndpointId me = room.me();
                Thread t = Thread.ofVirtual().name("scale-events-" + i).start(() -> follow(room, me, counts, running));
                readers.add(t);
            }

            // everyone sees everyone: every pair has video frames
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(n * 10L);
            while (System.nanoTime() < deadline && !allSee(rooms, counts, 10)) {
                Thread.sleep(100);
            }
            long seenMs = (System.nanoTime() - start) / 1_000_000;
            assertThat(allSee(rooms, counts, 10)).as("every one of %d participants receives video from the %d others; counts %s",
                    n, n - 1, counts.values().stream().map(c -> c.videoFrames.get()).toList()).isTrue();

            // a measured window: the publisher's uploaded bytes against what one watcher gets from it
            Map<EndpointId, Long> sentBefore = new ConcurrentHashMap<>();
            Map<Pair, Long> gotBefore = new ConcurrentHashMap<>();
            for (RelayRoom r : rooms) {
                sentBefore.put(r.me(), r.relaySession().orElseThrow().connection().pathStats().bytesSent());
            }
            counts.forEach((p, c) -> gotBefore.put(p, c.bytes.get()));
            long cpuBefore = cpu.getProcessCpuTime();
            long windowStart = System.nanoTime();
            Thread.sleep(5_000);
            double windowS = (System.nanoTime() - windowStart) / 1e9;
            double cpuCores = (cpu.getProcessCpuTime() - cpuBefore) / 1e9 / windowS;

            double worstRatio = 0;
            double worstAverage = 1;
            int maxServed = 0;
            long framesMin = Long.MAX_VALUE;
            for (RelayRoom r : rooms) {
                MoqSession s = r.relaySession().orElseThrow();
                long sent = s.connection().pathStats().bytesSent() - sentBefore.get(r.me());
                List<Long> received = new ArrayList<>();
                for (RelayRoom w : rooms) {
                    if (w != r) {
                        Pair p = new Pair(w.me(), r.me());
                        received.add(counts.get(p).bytes.get() - gotBefore.get(p));
                    }
                }
                // the best-served watcher got everything that was sent once; a slower one (a starved machine)
                // gets less, as the relay drops a stalled subscriber's old groups
                double best = received.stream().mapToLong(Long::longValue).max().orElse(0);
                double average = received.stream().mapToLong(Long::longValue).average().orElse(0);
                double ratio = sent / Math.max(1.0, best);
                worstRatio = Math.max(worstRatio, ratio);
                worstAverage = Math.min(worstAverage, average / Math.max(1.0, best));
                assertThat(s.servedSubscriptions()).as("the relay holds one subscription per track on %s's session, not one per watcher",
                        r.me().shortHex()).isBetween(2, TRACKS_PER_PUBLISHER); // video and audio at least; chat tracks come and go
                maxServed = Math.max(maxServed, s.servedSubscriptions());
                assertThat(ratio).as("%s uploads about one copy: sent %d bytes, the best watcher got %.0f (average %.0f)",
                        r.me().shortHex(), sent, best, average).isBetween(0.8, 1.5);
            }
            for (Counts c : counts.values()) {
                framesMin = Math.min(framesMin, c.videoFrames.get());
            }
            int relayServed = relay.sessions().stream().mapToInt(MoqSession::servedSubscriptions).sum();
            System.out.printf("relay room: %d participants at 180p + Opus, everyone saw everyone %d ms after the first join; "
                            + "per publisher: at most %d subscriptions held by the relay (1 per track), uploaded bytes / best watcher's bytes <= %.2f "
                            + "(a mesh would be %d); the average watcher got >= %.0f %% of the best one's bytes; relay serves %d downstream "
                            + "subscriptions; fewest video frames on a pair %d; this JVM (relay + all participants) used %.2f cores%n",
                    n, seenMs, maxServed, worstRatio, n - 1, worstAverage * 100, relayServed, framesMin, cpuCores);
            assertThat(relayServed).as("the relay serves every watcher").isGreaterThanOrEqualTo(n * (n - 1) * 2);
        } finally {
            running.set(false);
            for (AutoCloseable c : closeables.reversed()) {
                try {
                    c.close();
                } catch (Exception e) {
                    // best effort
                }
            }
            for (Thread t : readers) {
                t.join(2000);
            }
        }
    }

    private static boolean allSee(List<RelayRoom> rooms, Map<Pair, Counts> counts, long frames) {
        for (RelayRoom w : rooms) {
            for (RelayRoom p : rooms) {
                if (w != p) {
                    Counts c = counts.get(new Pair(w.me(), p.me()));
                    if (c == null || c.videoFrames.get() < frames) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    /** Reads the room's events; each camera subscription gets a reader of its video and audio tracks. */
    private static void follow(RelayRoom room, EndpointId me, Map<Pair, Counts> counts, java.util.concurrent.atomic.AtomicBoolean running) {
        try {
            while (running.get()) {
                RoomEvent e = room.events().next(Duration.ofMillis(500));
                if (e instanceof RoomEvent.BroadcastSubscribed s && s.name().equals(RoomsCallService.CAMERA)) {
                    Counts c = counts.computeIfAbsent(new Pair(me, s.peer()), p -> new Counts());
                    read(s.broadcast(), VIDEO, TrackInfo.PRIORITY_VIDEO, c, true);
                    read(s.broadcast(), AUDIO, TrackInfo.PRIORITY_AUDIO, c, false);
                }
            }
        } catch (InterruptedException | dev.parley.net.actor.ActorStoppedException stop) {
            // the test ended
        }
    }

    private static void read(BroadcastConsumer b, String track, int priority, Counts c, boolean video) {
        Thread.ofVirtual().name("scale-read-" + track).start(() -> {
            try (TrackConsumer t = b.subscribe(track, priority)) {
                while (true) {
                    GroupConsumer g = t.nextGroup(Duration.ofSeconds(5)); // a live track: bounded waits
                    if (g == null) {
                        return;
                    }
                    byte[] f;
                    while ((f = g.readFrame(Duration.ofSeconds(2))) != null) {
                        c.bytes.addAndGet(f.length);
                        if (video) {
                            c.videoFrames.incrementAndGet();
                        }
                    }
                }
            } catch (MoqException | IllegalStateException ended) {
                // the broadcast or the test ended
            }
        });
    }
}
