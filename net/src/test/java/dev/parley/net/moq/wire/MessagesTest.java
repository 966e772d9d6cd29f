package dev.parley.net.moq.wire;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MessagesTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final WireLimits LIMITS = WireLimits.DEFAULT;

    static Stream<Message> everyRecord() {
        long max = VarInt.MAX;
        return Stream.of(
                new AnnouncePlease(""),
                new AnnouncePlease("room/ünïcødé/🎥"),
                Announce.active("demo"),
                Announce.ended("a/b/c"),
                new Announce(true, "x", java.util.Collections.nCopies(256, 0L)),
                Subscribe.live(0, "demo", "catalog.json", 100),
                new Subscribe(max, "b", "video/hd", 255, true, Duration.ofMillis(1500), OptionalLong.of(0), OptionalLong.of(max - 1)),
                new SubscribeUpdate(60, true, Duration.ofSeconds(3), OptionalLong.of(41), OptionalLong.empty()),
                SubscribeOk.interop(80),
                new SubscribeOk(1, true, Duration.ofMillis(16383), OptionalLong.of(16383), OptionalLong.of(1L << 30)),
                new SubscribeDrop(3, 7, 13),
                new Probe(0),
                new Probe(2_500_000),
                new GroupHeader(1, 0),
                new GroupHeader(max, max));
    }

    @ParameterizedTest
    @MethodSource("everyRecord")
    void everyRecordRoundTrips(Message m) {
        assertThat(Decoders.roundTrip(m, Version.LITE_03, LIMITS)).isEqualTo(m);
    }

    // Golden vectors from the spec (checked against the real npm client).

    @Test
    void announcePleaseFromTheClient() {
        List<Object> items = decodeBidi(HEX.parseHex("010100"), Grammars::announcePlease);
        assertThat(items).containsExactly(StreamType.ANNOUNCE, new AnnouncePlease(""));
        assertThat(streamBytes(StreamType.ANNOUNCE, new AnnouncePlease(""))).isEqualTo(HEX.parseHex("010100"));
    }

    @Test
    void announceFromTheServer() {
        byte[] bytes = HEX.parseHex("070104" + "64656d6f" + "00");
        assertThat(Messages.encode(Announce.active("demo"))).isEqualTo(bytes);
        assertThat(new StreamDecoder(LIMITS).feed(bytes, 0, bytes.length, Grammars.announces()))
                .containsExactly(Announce.active("demo"));
    }

    @Test
    void subscribeFromTheClient() {
        byte[] bytes = concat(HEX.parseHex("02180004"), ascii("demo"), HEX.parseHex("0c"), ascii("catalog.json"),
                HEX.parseHex("6400000000"));
        assertThat(streamBytes(StreamType.SUBSCRIBE, Subscribe.live(0, "demo", "catalog.json", 100))).isEqualTo(bytes);
        assertThat(decodeBidi(bytes, Grammars::subscribeRequests))
                .containsExactly(StreamType.SUBSCRIBE, Subscribe.live(0, "demo", "catalog.json", 100));
    }

    @Test
    void subscribeOkFromTheServer() {
        byte[] bytes = HEX.parseHex("00056400000000");
        assertThat(Messages.encode(SubscribeOk.interop(100))).isEqualTo(bytes);
        assertThat(new StreamDecoder(LIMITS).feed(bytes, 0, bytes.length, Grammars.subscribeResponses()))
                .containsExactly(SubscribeOk.interop(100));
    }

    @Test
    void groupStreamWithAFrame() {
        byte[] bytes = concat(HEX.parseHex("00020100"), HEX.parseHex("0400"), ascii("key"), HEX.parseHex("00"));
        StreamDecoder d = new StreamDecoder(LIMITS);
        List<Object> items = new ArrayList<>(d.feed(bytes, 0, 1, Grammars.streamType(false)));
        items.addAll(d.feed(bytes, 1, bytes.length - 1, Grammars.group()));
        d.finish();
        assertThat(items).containsExactly(StreamType.GROUP, new GroupHeader(1, 0),
                new Frame(concat(new byte[]{0}, ascii("key"))), new Frame(new byte[0]));
        assertThat(concat(new byte[]{0}, Messages.encode(new GroupHeader(1, 0)), Frame.header(4)))
                .isEqualTo(HEX.parseHex("0002010004"));
    }

    @Test
    void legacySetupOfTheRealNpmClientAndTheLite02Reply() {
        // @moq/lite 0.2.2's default connect over a bare qmux-00: versions lite-02, lite-01, moqt-14;
        // MaxRequestId 42069 and Implementation "moq-lite-js" parameters
        byte[] client = HEX.parseHex("20002c03c0000000ff0dad02c0000000ff0dad01c0000000ff00000e02028000a455070b"
                + HEX.formatHex("moq-lite-js".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        List<ClientSetup> got = new StreamDecoder(LIMITS).feed(client, 0, client.length, ClientSetup.grammar());
        assertThat(got).containsExactly(new ClientSetup(List.of(0xff0dad02L, 0xff0dad01L, 0xff00000eL)));
        assertThat(got.getFirst().choose(List.of(Version.LITE_02))).contains(Version.LITE_02);
        assertThat(got.getFirst().choose(Version.NEWEST_FIRST)).isEmpty();
        assertThat(ClientSetup.serverSetup(Version.LITE_02)).isEqualTo(HEX.parseHex("210009c0000000ff0dad0200"));
        // a stream that is not a legacy SETUP is refused by its type
        assertKind(() -> new StreamDecoder(LIMITS).feed(HEX.parseHex("0100"), 0, 2, ClientSetup.grammar()),
                DecodeException.Kind.UNKNOWN_TYPE);
    }

    @Test
    void lite02LayoutsMatchTheNpmClient() {
        Version v = Version.LITE_02;
        // SUBSCRIBE ends after the priority; SUBSCRIBE_OK is an untyped empty message; ANNOUNCE has no hops
        assertThat(Messages.encode(Subscribe.live(0, "demo", "catalog.json", 100), v))
                .isEqualTo(HEX.parseHex("14" + "00" + "0464656d6f" + "0c" + HEX.formatHex("catalog.json".getBytes()) + "64"));
        assertThat(Messages.encode(SubscribeOk.interop(100), v)).isEqualTo(HEX.parseHex("00"));
        assertThat(Messages.encode(Announce.active("demo"), v)).isEqualTo(HEX.parseHex("06010464656d6f"));
        assertThat(Messages.encode(new AnnounceInit(List.of("a", "bc")), v)).isEqualTo(HEX.parseHex("0602016102" + "6263"));
        assertThat(Decoders.roundTrip(new AnnounceInit(List.of("a", "bc")), v, LIMITS)).isEqualTo(new AnnounceInit(List.of("a", "bc")));
        assertKind(() -> StreamType.of(true, 4, v), DecodeException.Kind.UNKNOWN_TYPE); // no Probe stream
    }

    @Test
    void lite04And05LayoutsFollowTheSpec() {
        // lite-04 ANNOUNCE: hop list; ANNOUNCE_PLEASE: exclude hop; PROBE: RTT
        assertThat(Messages.encode(new Announce(true, "demo", List.of(7L, 300L)), Version.LITE_04))
                .isEqualTo(HEX.parseHex("0a010464656d6f02074 12c".replace(" ", "")));
        assertThat(Messages.encode(new AnnouncePlease("", 9), Version.LITE_04)).isEqualTo(HEX.parseHex("020009"));
        assertThat(Messages.encode(new Probe(1000, 25), Version.LITE_04)).isEqualTo(HEX.parseHex("0343e819"));
        assertThat(Messages.encode(new Probe(1000, 25), Version.LITE_03)).isEqualTo(HEX.parseHex("0243e8"));
        // lite-05: SUBSCRIBE_START type 0, SUBSCRIBE_END type 1, SUBSCRIBE_DROP type 2; SETUP parameters
        assertThat(Messages.encode(new SubscribeStart(5), Version.LITE_05)).isEqualTo(HEX.parseHex("000105"));
        assertThat(Messages.encode(new SubscribeEnd(0), Version.LITE_05)).isEqualTo(HEX.parseHex("010100"));
        assertThat(Messages.encode(new SubscribeDrop(1, 2, 3), Version.LITE_05)).isEqualTo(HEX.parseHex("0203010203"));
        assertThat(Messages.encode(new SubscribeDrop(1, 2, 3), Version.LITE_03)).isEqualTo(HEX.parseHex("0103010203"));
        assertThat(Messages.encode(new Setup(OptionalLong.of(1), java.util.Optional.empty(), OptionalLong.of(0), OptionalLong.empty()),
                Version.LITE_05)).isEqualTo(HEX.parseHex("07" + "02" + "010101" + "030100"));
        assertThat(Messages.encode(new TrackProperties(0, false, Duration.ZERO, TrackProperties.MICROS), Version.LITE_05))
                .isEqualTo(HEX.parseHex("07000000800f4240"));
        // FETCH { broadcast "cam", track "v", priority 60, group 300 }
        Fetch fetch = new Fetch("cam", "v", 60, 300);
        assertThat(Messages.encode(fetch, Version.LITE_05)).isEqualTo(HEX.parseHex("09" + "0363616d" + "0176" + "3c" + "412c"));
        assertThat(Decoders.roundTrip(fetch, Version.LITE_05, LIMITS)).isEqualTo(fetch);
        // frame timestamps: zigzag deltas from 0 at the group start
        Frame.HeaderWriter h = new Frame.HeaderWriter(Version.LITE_05);
        assertThat(h.header(3, 1000)).isEqualTo(HEX.parseHex("47d003"));   // +1000 -> 2000
        assertThat(h.header(3, 999)).isEqualTo(HEX.parseHex("0103"));       // -1 -> 1
        byte[] group = concat(Messages.encode(new GroupHeader(0, 0)), HEX.parseHex("47d003616263" + "0103646566"));
        List<GroupStreamItem> items = new StreamDecoder(LIMITS).feed(group, 0, group.length, Grammars.group(Version.LITE_05));
        assertThat(items).containsExactly(new GroupHeader(0, 0), new Frame("abc".getBytes(), 1000), new Frame("def".getBytes(), 999));
        // a delta that would take the timestamp below zero is refused
        byte[] negative = concat(Messages.encode(new GroupHeader(0, 0)), HEX.parseHex("0103616263"));
        assertKind(() -> new StreamDecoder(LIMITS).feed(negative, 0, negative.length, Grammars.group(Version.LITE_05)),
                DecodeException.Kind.INVALID_VALUE);
        // SETUP: a repeated parameter is an error
        assertKind(() -> Messages.decode(HEX.parseHex("07020101010101 02".replace(" ", "")), (r, l) -> Setup.decode(r, l, Version.LITE_05), LIMITS),
                DecodeException.Kind.INVALID_VALUE);
    }

    @Test
    void bodyShorterOrLongerThanItsLengthIsRejected() {
        // Probe with length 2 but a 1-byte varint body: leftover byte.
        assertKind(() -> Messages.decode(HEX.parseHex("020500"), (r, l) -> Probe.decode(r, l, Version.LITE_03), LIMITS), DecodeException.Kind.LONG);
        // Announce whose suffix runs past the declared length.
        assertKind(() -> Messages.decode(HEX.parseHex("030105646f"), (r, l) -> Announce.decode(r, l, Version.LITE_03), LIMITS), DecodeException.Kind.SHORT);
        // Bytes after a complete message.
        assertKind(() -> Messages.decode(HEX.parseHex("010500"), (r, l) -> Probe.decode(r, l, Version.LITE_03), LIMITS), DecodeException.Kind.LONG);
        // Stream ending inside a message.
        StreamDecoder d = new StreamDecoder(LIMITS);
        assertThat(d.feed(HEX.parseHex("0701046465"), 0, 5, Grammars.announces())).isEmpty();
        assertKind(d::finish, DecodeException.Kind.SHORT);
    }

    @Test
    void invalidValuesAreRejected() {
        assertKind(() -> Messages.decode(HEX.parseHex("03020000"), (r, l) -> Announce.decode(r, l, Version.LITE_03), LIMITS), DecodeException.Kind.INVALID_VALUE);
        // ordered byte 2 in SUBSCRIBE_OK
        assertKind(() -> Messages.decode(HEX.parseHex("056402000000"), SubscribeOk::decode, LIMITS), DecodeException.Kind.INVALID_VALUE);
        // invalid UTF-8 (lone continuation byte, overlong encoding, surrogate)
        for (String bad : new String[]{"80", "c0af", "eda080"}) {
            byte[] body = HEX.parseHex(String.format("%02x", bad.length() / 2) + bad);
            byte[] msg = concat(new byte[]{(byte) body.length}, body);
            assertKind(() -> Messages.decode(msg, (r, l) -> AnnouncePlease.decode(r, l, Version.LITE_03), LIMITS), DecodeException.Kind.INVALID_UTF8);
        }
        // hops above 256
        assertKind(() -> Messages.decode(HEX.parseHex("0401004101"), (r, l) -> Announce.decode(r, l, Version.LITE_03), LIMITS),
                DecodeException.Kind.TOO_LARGE);
        assertKind(() -> StreamType.of(true, 3), DecodeException.Kind.UNKNOWN_TYPE);
        assertKind(() -> StreamType.of(false, 1), DecodeException.Kind.UNKNOWN_TYPE);
        assertKind(() -> new StreamDecoder(LIMITS).feed(HEX.parseHex("020100"), 0, 3, Grammars.subscribeResponses()),
                DecodeException.Kind.UNKNOWN_TYPE);
        assertKind(() -> new StreamDecoder(LIMITS).feed(HEX.parseHex("0100" + "0100"), 0, 4, Grammars.announcePlease()),
                DecodeException.Kind.LONG);
    }

    @Test
    void limitsAreCheckedBeforeBuffering() {
        WireLimits small = new WireLimits(32, 100, 4);
        // a message claiming 2^30 bytes is refused from its length alone
        assertKind(() -> new StreamDecoder(small).feed(HEX.parseHex("bfffffff"), 0, 4, Grammars.announces()), DecodeException.Kind.TOO_LARGE);
        Grammar<GroupStreamItem> grammar = Grammars.group();
        StreamDecoder d = new StreamDecoder(small);
        assertThat(d.feed(HEX.parseHex("020100"), 0, 3, grammar)).hasSize(1);
        assertThat(d.feed(HEX.parseHex("4064"), 0, 2, grammar)).isEmpty(); // 100 bytes: allowed, waiting
        StreamDecoder d2 = new StreamDecoder(small);
        Grammar<GroupStreamItem> grammar2 = Grammars.group();
        d2.feed(HEX.parseHex("020100"), 0, 3, grammar2);
        assertKind(() -> d2.feed(HEX.parseHex("4065"), 0, 2, grammar2), DecodeException.Kind.TOO_LARGE);
        assertKind(() -> Messages.decode(concat(HEX.parseHex("06010003"), HEX.parseHex("01")), (r, l) -> Announce.decode(r, l, Version.LITE_03),
                new WireLimits(32, 100, 2)), DecodeException.Kind.SHORT);
        assertKind(() -> Messages.decode(HEX.parseHex("03010003"), (r, l) -> Announce.decode(r, l, Version.LITE_03), new WireLimits(32, 100, 2)),
                DecodeException.Kind.TOO_LARGE);
    }

    @Test
    void optionAndDurationEncoding() {
        assertThat(new WireWriter().optional(OptionalLong.empty()).toByteArray()).isEqualTo(new byte[]{0});
        assertThat(new WireWriter().optional(OptionalLong.of(0)).toByteArray()).isEqualTo(new byte[]{1});
        assertThat(new WireReader(new byte[]{5}).optional()).hasValue(4);
        assertThat(new WireWriter().durationMillis(Duration.ofMillis(100)).toByteArray()).isEqualTo(HEX.parseHex("4064"));
        assertThat(new WireReader(HEX.parseHex("4064")).durationMillis()).isEqualTo(Duration.ofMillis(100));
        assertThatThrownBy(() -> new WireWriter().optional(OptionalLong.of(VarInt.MAX))).isInstanceOf(IllegalArgumentException.class);
        assertKind(() -> new WireReader(new byte[]{2}).bool(), DecodeException.Kind.INVALID_VALUE);
    }

    /** Every split of a multi-message stream decodes to the same messages, and nothing early. */
    @Test
    void randomSplitPointsGiveTheSameMessages() {
        List<Message> subs = new ArrayList<>();
        subs.add(new Subscribe(7, "room/alice.hang", "video/hd", 60, false, Duration.ZERO, OptionalLong.empty(), OptionalLong.empty()));
        for (int i = 0; i < 20; i++) {
            subs.add(new SubscribeUpdate(i, i % 2 == 0, Duration.ofMillis(i * 1000L), OptionalLong.of(i), OptionalLong.empty()));
        }
        byte[] stream = concatAll(subs.stream().map(Messages::encode).toList());
        Random rnd = new Random(42);
        for (int round = 0; round < 500; round++) {
            StreamDecoder d = new StreamDecoder(LIMITS);
            Grammar<SubscribeRequest> g = Grammars.subscribeRequests();
            List<SubscribeRequest> out = new ArrayList<>();
            int pos = 0;
            while (pos < stream.length) {
                int n = 1 + rnd.nextInt(Math.min(40, stream.length - pos));
                out.addAll(d.feed(stream, pos, n, g));
                pos += n;
            }
            d.finish();
            assertThat(out).containsExactlyElementsOf(subs.stream().map(SubscribeRequest.class::cast).toList());
        }
    }

    @Test
    void byteByByteGroupDecodeProducesNothingBeforeTheLastByte() {
        byte[] payload = new byte[70_000];
        new Random(1).nextBytes(payload);
        byte[] stream = concat(Messages.encode(new GroupHeader(3, 99)), Frame.header(payload.length), payload);
        StreamDecoder d = new StreamDecoder(LIMITS);
        Grammar<GroupStreamItem> g = Grammars.group();
        List<GroupStreamItem> items = new ArrayList<>();
        int headerLen = Messages.encode(new GroupHeader(3, 99)).length;
        for (int i = 0; i < stream.length; i++) {
            items.addAll(d.feed(stream, i, 1, g));
            int expected = (i + 1 >= headerLen ? 1 : 0) + (i == stream.length - 1 ? 1 : 0);
            if (items.size() != expected) {
                throw new AssertionError("after byte " + i + " got " + items.size() + " items, expected " + expected);
            }
        }
        assertThat(items).containsExactly(new GroupHeader(3, 99), new Frame(payload));
    }

    private static <T> List<Object> decodeBidi(byte[] bytes, Supplier<Grammar<T>> after) {
        StreamDecoder d = new StreamDecoder(LIMITS);
        List<Object> out = new ArrayList<>();
        d.feed(bytes, 0, bytes.length);
        out.add(d.poll(Grammars.streamType(true)));
        Grammar<T> g = after.get();
        for (T item; (item = d.poll(g)) != null; ) {
            out.add(item);
        }
        d.finish();
        return out;
    }

    private static byte[] streamBytes(StreamType t, Message m) {
        WireWriter w = new WireWriter().varint(t.code());
        Messages.encode(m, w);
        return w.toByteArray();
    }

    static void assertKind(Runnable r, DecodeException.Kind kind) {
        assertThatThrownBy(r::run).isInstanceOf(DecodeException.class)
                .satisfies(e -> assertThat(((DecodeException) e).kind()).isEqualTo(kind));
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] concat(byte[]... parts) {
        return concatAll(List.of(parts));
    }

    static byte[] concatAll(List<byte[]> parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        parts.forEach(out::writeBytes);
        return out.toByteArray();
    }
}
