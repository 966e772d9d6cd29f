package dev.parley.net.moq.wire;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random, truncated and mutated streams through every decoder, split at random points. Every case must
 * end in valid items or a {@link DecodeException}; any other exception fails. 100k+ cases by default,
 * millions with {@code -Dparley.long=true}.
 */
class WireFuzzTest {
    private static final boolean LONG_RUN = Boolean.getBoolean("parley.long");
    private static final WireLimits LIMITS = new WireLimits(512, 4096, 256);

    private record Target(String name, Version version, Supplier<Grammar<?>> grammar, Supplier<byte[]> valid) {}

    @Test
    @Timeout(600) // the normal run takes seconds; the long run (-Dparley.long=true) about a minute
    void everyDecoderSurvivesGarbage() {
        int cases = LONG_RUN ? 10_000_000 : 200_000;
        Random rnd = new Random(0x5eed);
        List<Target> targets = targets(rnd);
        long valid = 0;
        long rejected = 0;
        for (int i = 0; i < cases; i++) {
            Target t = targets.get(i % targets.size());
            byte[] input = mutate(t.valid().get(), rnd);
            if (runCase(t, input, rnd)) {
                valid++;
            } else {
                rejected++;
            }
        }
        System.out.printf("wire fuzz: %d cases, %d decoded cleanly, %d rejected with DecodeException%n", cases, valid, rejected);
        assertThat(valid).as("some mutations stay valid").isPositive();
        assertThat(rejected).as("most mutations are caught").isPositive();
    }

    @Test
    void unmutatedSamplesAlwaysDecode() {
        Random rnd = new Random(7);
        for (Target t : targets(rnd)) {
            for (int i = 0; i < 200; i++) {
                assertThat(runCase(t, t.valid().get(), rnd)).as(t.name()).isTrue();
            }
        }
    }

    /** True when the input decoded cleanly, false on a DecodeException; anything else propagates. */
    private static boolean runCase(Target t, byte[] input, Random rnd) {
        StreamDecoder d = new StreamDecoder(LIMITS);
        Grammar<?> g = t.grammar().get();
        try {
            int pos = 0;
            int items = 0;
            while (pos < input.length) {
                int n = 1 + rnd.nextInt(Math.min(input.length - pos, 1 + rnd.nextInt(64)));
                for (Object item : d.feed(input, pos, n, g)) {
                    items++;
                    if (item instanceof Message m) {
                        // whatever decodes re-encodes to something that decodes to the same message
                        assertThat(Decoders.roundTrip(m, t.version(), LIMITS)).isEqualTo(m);
                    }
                }
                pos += n;
                if (items > input.length + 1) {
                    throw new AssertionError(t.name() + ": more items than bytes");
                }
            }
            d.finish();
            return true;
        } catch (DecodeException e) {
            return false;
        } catch (RuntimeException e) {
            throw new AssertionError(t.name() + " threw " + e + " on " + java.util.HexFormat.of().formatHex(input), e);
        }
    }

    private static byte[] mutate(byte[] valid, Random rnd) {
        byte[] out;
        switch (rnd.nextInt(6)) {
            case 0 -> { // truncated
                out = java.util.Arrays.copyOf(valid, rnd.nextInt(valid.length + 1));
            }
            case 1 -> { // bit flips
                out = valid.clone();
                for (int k = 1 + rnd.nextInt(3); k > 0 && out.length > 0; k--) {
                    out[rnd.nextInt(out.length)] ^= (byte) (1 << rnd.nextInt(8));
                }
            }
            case 2 -> { // random byte values
                out = valid.clone();
                for (int k = 1 + rnd.nextInt(3); k > 0 && out.length > 0; k--) {
                    out[rnd.nextInt(out.length)] = (byte) rnd.nextInt(256);
                }
            }
            case 3 -> { // inserted or appended garbage
                byte[] extra = new byte[1 + rnd.nextInt(8)];
                rnd.nextBytes(extra);
                int at = rnd.nextInt(valid.length + 1);
                out = new byte[valid.length + extra.length];
                System.arraycopy(valid, 0, out, 0, at);
                System.arraycopy(extra, 0, out, at, extra.length);
                System.arraycopy(valid, at, out, at + extra.length, valid.length - at);
            }
            case 4 -> { // pure noise
                out = new byte[rnd.nextInt(96)];
                rnd.nextBytes(out);
            }
            default -> out = valid; // unmutated
        }
        return out;
    }

    /** Every grammar of every version, with generators of valid input for it. */
    private static List<Target> targets(Random rnd) {
        List<Target> t = new ArrayList<>();
        for (Version v : Version.values()) {
            targets(rnd, v, t);
        }
        return t;
    }

    private static void targets(Random rnd, Version v, List<Target> t) {
        String n = " " + v.alpn();
        int[] bidi = v.setup() ? new int[]{1, 2, 3, 4, 5, 6} : v.goaway() ? new int[]{1, 2, 4, 5} : v.probe() ? new int[]{1, 2, 4} : new int[]{1, 2};
        int[] uni = v.setup() ? new int[]{0, 1} : new int[]{0};
        t.add(new Target("stream type (bidi)" + n, v, () -> Grammars.streamType(true, v),
                () -> new byte[]{(byte) bidi[rnd.nextInt(bidi.length)]}));
        t.add(new Target("stream type (uni)" + n, v, () -> Grammars.streamType(false, v),
                () -> rnd.nextBoolean() ? new byte[]{(byte) uni[rnd.nextInt(uni.length)]} : new byte[]{0x40, 0}));
        t.add(new Target("announce please" + n, v, () -> Grammars.announcePlease(v),
                () -> Messages.encode(new AnnouncePlease(path(rnd), v.excludeHop() ? varint(rnd) : 0), v)));
        t.add(new Target("announces" + n, v, () -> Grammars.announces(v), () -> {
            byte[] ok = v.setup() ? Messages.encode(new AnnounceOk(varint(rnd), rnd.nextInt(5)), v)
                    : v.announceInit() ? Messages.encode(new AnnounceInit(List.of(path(rnd), path(rnd)).subList(0, rnd.nextInt(3))), v)
                    : new byte[0];
            return MessagesTest.concat(ok, join(rnd, v, () -> new Announce(rnd.nextBoolean(), path(rnd), hops(rnd, v))));
        }));
        t.add(new Target("subscribe requests" + n, v, () -> Grammars.subscribeRequests(v), () -> {
            List<Message> ms = new ArrayList<>();
            ms.add(v.subscribeOptions() ? new Subscribe(varint(rnd), path(rnd), path(rnd), rnd.nextInt(256), rnd.nextBoolean(),
                    Duration.ofMillis(rnd.nextInt(100_000)), opt(rnd), opt(rnd))
                    : Subscribe.live(varint(rnd), path(rnd), path(rnd), rnd.nextInt(256)));
            for (int i = rnd.nextInt(3); i > 0; i--) {
                ms.add(new SubscribeUpdate(rnd.nextInt(256), rnd.nextBoolean(), Duration.ofMillis(rnd.nextInt(5000)), opt(rnd), opt(rnd)));
            }
            return MessagesTest.concatAll(ms.stream().map(m -> Messages.encode(m, v)).toList());
        }));
        t.add(new Target("subscribe responses" + n, v, () -> Grammars.subscribeResponses(v), () -> join(rnd, v, () -> {
            if (!v.subscribeOptions()) {
                return SubscribeOk.interop(0);
            }
            int kind = rnd.nextInt(v.subscribeStart() ? 3 : 2);
            if (kind == 0) {
                return v.subscribeStart() ? new SubscribeStart(varint(rnd))
                        : new SubscribeOk(rnd.nextInt(256), rnd.nextBoolean(), Duration.ofMillis(rnd.nextInt(1000)), opt(rnd), opt(rnd));
            }
            return kind == 1 && v.subscribeStart() ? new SubscribeEnd(varint(rnd))
                    : new SubscribeDrop(varint(rnd), varint(rnd), rnd.nextInt(100));
        })));
        if (v == Version.LITE_02) {
            t.add(new Target("legacy client setup", v, ClientSetup::grammar, () -> {
                List<Long> offered = new ArrayList<>();
                for (int i = rnd.nextInt(4); i >= 0; i--) {
                    offered.add(rnd.nextBoolean() ? Version.values()[rnd.nextInt(Version.values().length)].code() : varint(rnd));
                }
                return new ClientSetup(offered).encode();
            }));
        }
        if (v.probe()) t.add(new Target("probes" + n, v, () -> Grammars.probes(v),
                () -> join(rnd, v, () -> new Probe(varint(rnd), v.probeRtt() ? rnd.nextInt(5000) : 0))));
        t.add(new Target("group" + n, v, () -> Grammars.group(v), () -> {
            WireWriter w = new WireWriter();
            Messages.encode(new GroupHeader(varint(rnd), varint(rnd)), v, w);
            Frame.HeaderWriter headers = new Frame.HeaderWriter(v);
            long ts = rnd.nextInt(1 << 20);
            for (int i = rnd.nextInt(4); i > 0; i--) {
                byte[] p = new byte[rnd.nextInt(rnd.nextBoolean() ? 8 : 300)];
                rnd.nextBytes(p);
                ts = Math.max(0, ts + rnd.nextInt(80_000) - 20_000); // mostly forward, sometimes back (B-frames)
                byte[] h = headers.header(p.length, ts);
                w.raw(h, 0, h.length).raw(p, 0, p.length);
            }
            return w.toByteArray();
        }));
        if (v.goaway()) {
            t.add(new Target("goaway" + n, v, () -> Grammars.goaway(v),
                    () -> Messages.encode(new Goaway(rnd.nextBoolean() ? "" : "https://relay.example/" + path(rnd)), v)));
        }
        if (v.setup()) {
            t.add(new Target("setup" + n, v, () -> Grammars.setup(v), () -> {
                Setup s = new Setup(rnd.nextBoolean() ? OptionalLong.of(rnd.nextInt(3)) : OptionalLong.empty(),
                        rnd.nextBoolean() ? java.util.Optional.of(path(rnd) + "?jwt=x") : java.util.Optional.empty(),
                        rnd.nextBoolean() ? OptionalLong.of(rnd.nextInt(3)) : OptionalLong.empty(),
                        rnd.nextBoolean() ? OptionalLong.of(varint(rnd)) : OptionalLong.empty());
                byte[] b = Messages.encode(s, v);
                if (rnd.nextInt(4) == 0) { // an unknown parameter (0x4 cost) is skipped
                    WireWriter w = new WireWriter();
                    WireWriter body = new WireWriter();
                    byte[] inner = java.util.Arrays.copyOfRange(b, VarInt.lengthOf(b[0]), b.length);
                    WireReader r = new WireReader(inner);
                    long count = r.varint();
                    body.varint(count + 1).varint(0x4).varint(1).varint(7);
                    body.raw(inner, inner.length - r.remaining(), r.remaining());
                    w.varint(body.size()).raw(body.toByteArray(), 0, body.size());
                    return w.toByteArray();
                }
                return b;
            }));
            t.add(new Target("track" + n, v, () -> Grammars.track(v), () -> Messages.encode(new Track(path(rnd), path(rnd)), v)));
            t.add(new Target("fetch" + n, v, () -> Grammars.fetch(v), () -> Messages.encode(new Fetch(path(rnd), path(rnd),
                    rnd.nextInt(256), varint(rnd)), v)));
            t.add(new Target("track info" + n, v, () -> Grammars.trackInfo(v), () -> Messages.encode(new TrackProperties(
                    rnd.nextInt(256), rnd.nextBoolean(), Duration.ofMillis(rnd.nextInt(10_000)), 1 + varint(rnd) / 2), v)));
        }
    }

    private static List<Long> hops(Random rnd, Version v) {
        List<Long> hops = new ArrayList<>();
        for (int i = rnd.nextInt(v.hopList() ? 4 : 2) ; i > 0; i--) {
            hops.add(v.hopList() ? 1 + varint(rnd) / 2 : 0L);
        }
        return hops;
    }

    private static byte[] join(Random rnd, Version v, Supplier<Message> gen) {
        List<byte[]> parts = new ArrayList<>();
        for (int i = 1 + rnd.nextInt(3); i > 0; i--) {
            parts.add(Messages.encode(gen.get(), v));
        }
        return MessagesTest.concatAll(parts);
    }

    private static long varint(Random rnd) {
        return switch (rnd.nextInt(4)) {
            case 0 -> rnd.nextInt(64);
            case 1 -> rnd.nextInt(16384);
            case 2 -> rnd.nextInt(1 << 30);
            default -> rnd.nextLong() >>> 2;
        };
    }

    private static OptionalLong opt(Random rnd) {
        return rnd.nextBoolean() ? OptionalLong.empty() : OptionalLong.of(varint(rnd) >>> 1);
    }

    private static final String[] SEGMENTS = {"room", "alice.hang", "video", "hd", "ü", "🎥", "catalog.json", ""};

    private static String path(Random rnd) {
        StringBuilder sb = new StringBuilder();
        for (int i = rnd.nextInt(4); i > 0; i--) {
            if (!sb.isEmpty()) {
                sb.append('/');
            }
            sb.append(SEGMENTS[rnd.nextInt(SEGMENTS.length)]);
        }
        return sb.toString();
    }
}
