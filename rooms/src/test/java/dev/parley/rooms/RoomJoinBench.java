package dev.parley.rooms;

import dev.parley.net.identity.Identity;
import dev.parley.net.moq.model.BroadcastProducer;
import dev.parley.net.moq.model.GroupConsumer;
import dev.parley.net.moq.model.TrackConsumer;
import dev.parley.net.moq.model.TrackInfo;
import dev.parley.net.moq.model.TrackProducer;
import dev.parley.net.quic.Endpoint;
import dev.parley.net.quic.EndpointConfig;
import dev.parley.rooms.ticket.RoomTicket;

import java.time.Duration;
import java.util.Arrays;

/**
 * Loopback: how long from {@code Room.join} until the first frame of another peer's video track is
 * in hand (ticket → gossip join → signed state → moq subscribe → frame). The publisher writes a
 * 1200-byte frame every 33 ms. Prints each run and the median.
 * Run: {@code java -cp <test classpath> dev.parley.rooms.RoomJoinBench [runs]}.
 */
public final class RoomJoinBench {
    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        try (Endpoint ea = Endpoint.bind(EndpointConfig.loopback(Identity.generate()).withIdleTimeout(Duration.ofSeconds(3)))) {
            Room a = Room.join(ea, RoomTicket.generate(), RoomOptions.defaults().withDisplayName("publisher"));
            BroadcastProducer camera = new BroadcastProducer();
            TrackProducer video = camera.createTrack(new TrackInfo("video", TrackInfo.PRIORITY_VIDEO));
            Thread writer = Thread.ofVirtual().start(() -> {
                long seq = 0;
                try {
                    while (true) {
                        video.appendGroupWithFrame(RoomTest.checkedFrame(seq++, 1200));
                        Thread.sleep(33);
                    }
                } catch (InterruptedException | RuntimeException stop) {
                    // done
                }
            });
            a.handle().publish("camera", camera).get();
            RoomTicket ticket = a.ticket();
            long[] joinedMs = new long[runs];
            long[] frameMs = new long[runs];
            System.out.println("run  peer_joined_ms  first_frame_ms");
            for (int i = 0; i < runs; i++) {
                try (Endpoint eb = Endpoint.bind(EndpointConfig.loopback(Identity.generate()).withIdleTimeout(Duration.ofSeconds(3)))) {
                    long t0 = System.nanoTime();
                    Room b = Room.join(eb, ticket, RoomOptions.defaults());
                    RoomEvent.BroadcastSubscribed sub = null;
                    while (sub == null) {
                        RoomEvent e = b.events().next(Duration.ofSeconds(20));
                        if (e == null) {
                            throw new IllegalStateException("no subscription within 20 s");
                        }
                        if (e instanceof RoomEvent.PeerJoined) {
                            joinedMs[i] = (System.nanoTime() - t0) / 1_000_000;
                        }
                        if (e instanceof RoomEvent.BroadcastSubscribed s && s.name().equals("camera")) {
                            sub = s;
                        }
                    }
                    try (TrackConsumer t = sub.broadcast().subscribe("video", TrackInfo.PRIORITY_VIDEO)) {
                        GroupConsumer g = t.nextGroup(Duration.ofSeconds(10));
                        byte[] f = g.readFrame(Duration.ofSeconds(10));
                        if (!RoomTest.frameOk(f)) {
                            throw new IllegalStateException("corrupt frame");
                        }
                    }
                    frameMs[i] = (System.nanoTime() - t0) / 1_000_000;
                    System.out.printf("%3d  %14d  %14d%n", i, joinedMs[i], frameMs[i]);
                    b.close();
                }
            }
            Arrays.sort(joinedMs);
            Arrays.sort(frameMs);
            System.out.printf("median  peer_joined %d ms  first_frame %d ms  (min %d, max %d)%n",
                    joinedMs[runs / 2], frameMs[runs / 2], frameMs[0], frameMs[runs - 1]);
            writer.interrupt();
            a.close();
        }
    }
}
