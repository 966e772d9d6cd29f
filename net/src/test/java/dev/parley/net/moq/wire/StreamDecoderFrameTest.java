package dev.parley.net.moq.wire;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Large frame payloads assembled in their own array: fed in any split, or read straight from a source. */
class StreamDecoderFrameTest {
    private static final WireLimits LIMITS = WireLimits.DEFAULT;

    /** A lite-05 group stream (header, then timed frames) and the items it must decode to. */
    private record Group(byte[] bytes, List<GroupStreamItem> items) {
    }

    private static Group group(Random rnd, int... sizes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<GroupStreamItem> items = new ArrayList<>();
        GroupHeader head = new GroupHeader(3, 7);
        out.writeBytes(Messages.encode(head));
        items.add(head);
        Frame.HeaderWriter h = new Frame.HeaderWriter(Version.LITE_05);
        long ts = 0;
        for (int size : sizes) {
            byte[] payload = new byte[size];
            rnd.nextBytes(payload);
            ts += 33_000;
            out.writeBytes(h.header(size, ts));
            out.writeBytes(payload);
            items.add(new Frame(payload, ts));
        }
        return new Group(out.toByteArray(), items);
    }

    private static List<GroupStreamItem> decodeInChunks(Group g, Random rnd, int maxChunk) {
        StreamDecoder d = new StreamDecoder(LIMITS);
        Grammar<GroupStreamItem> grammar = Grammars.group(Version.LITE_05);
        List<GroupStreamItem> got = new ArrayList<>();
        for (int at = 0; at < g.bytes().length; ) {
            int n = Math.min(g.bytes().length - at, 1 + rnd.nextInt(maxChunk));
            got.addAll(d.feed(g.bytes(), at, n, grammar));
            at += n;
        }
        d.finish();
        return got;
    }

    @Test
    void largeAndSmallFramesDecodeTheSameHoweverTheBytesAreSplit() {
        Random rnd = new Random(42);
        Group g = group(rnd, 20_000, 3_500, 10, StreamDecoder.DIRECT_MIN, StreamDecoder.DIRECT_MIN - 1, 0, 70_000, 1);
        for (int maxChunk : new int[] {1, 7, 1200, 16 * 1024, g.bytes().length}) {
            for (int run = 0; run < 5; run++) {
                assertThat(decodeInChunks(g, rnd, maxChunk)).as("chunks up to %d bytes", maxChunk).isEqualTo(g.items());
            }
        }
    }

    @Test
    void aReaderFillsAPendingPayloadStraightFromTheStream() throws InterruptedException {
        Random rnd = new Random(7);
        Group g = group(rnd, 20_000, 3_000);
        byte[] bytes = g.bytes();
        int[] at = {0};
        StreamDecoder.Source source = (dst, off, len) -> { // a stream that hands out at most 1200 bytes a read
            if (at[0] == bytes.length) {
                return -1;
            }
            int n = Math.min(Math.min(len, 1200), bytes.length - at[0]);
            System.arraycopy(bytes, at[0], dst, off, n);
            at[0] += n;
            return n;
        };
        StreamDecoder d = new StreamDecoder(LIMITS);
        Grammar<GroupStreamItem> grammar = Grammars.group(Version.LITE_05);
        List<GroupStreamItem> got = new ArrayList<>();
        byte[] chunk = new byte[100];
        int direct = 0;
        while (true) {
            for (GroupStreamItem item; (item = d.poll(grammar)) != null; ) {
                got.add(item);
            }
            int n;
            if (d.pendingRemaining() > 0) {
                n = d.fillPending(source);
                direct += Math.max(0, n);
            } else {
                n = source.read(chunk, 0, chunk.length);
                if (n > 0) {
                    d.feed(chunk, 0, n);
                }
            }
            if (n < 0) {
                break;
            }
        }
        d.finish();
        assertThat(got).isEqualTo(g.items());
        // all but the few bytes that came with each header went straight into the payloads
        assertThat(direct).isGreaterThan(20_000 + 3_000 - 2 * chunk.length);
    }

    @Test
    void theStreamEndingInsideAPendingPayloadIsShort() {
        Group g = group(new Random(1), 5_000);
        StreamDecoder d = new StreamDecoder(LIMITS);
        Grammar<GroupStreamItem> grammar = Grammars.group(Version.LITE_05);
        List<GroupStreamItem> got = d.feed(g.bytes(), 0, g.bytes().length - 10, grammar);
        assertThat(got).hasSize(1); // the header only
        assertThat(d.pendingRemaining()).isEqualTo(10);
        assertThat(d.buffered()).as("received bytes of the unfinished frame").isGreaterThan(4_900);
        assertThatThrownBy(d::finish).isInstanceOf(DecodeException.class)
                .satisfies(e -> assertThat(((DecodeException) e).kind()).isEqualTo(DecodeException.Kind.SHORT));
    }

    @Test
    void anOversizedFrameIsRefusedBeforeAnythingIsAllocatedForIt() {
        byte[] header = new Frame.HeaderWriter(Version.LITE_05).header(LIMITS.maxFrameSize() + 1, 1);
        byte[] bytes = new byte[Messages.encode(new GroupHeader(0, 0)).length + header.length];
        byte[] gh = Messages.encode(new GroupHeader(0, 0));
        System.arraycopy(gh, 0, bytes, 0, gh.length);
        System.arraycopy(header, 0, bytes, gh.length, header.length);
        assertThatThrownBy(() -> new StreamDecoder(LIMITS).feed(bytes, 0, bytes.length, Grammars.group(Version.LITE_05)))
                .isInstanceOf(DecodeException.class)
                .satisfies(e -> assertThat(((DecodeException) e).kind()).isEqualTo(DecodeException.Kind.TOO_LARGE));
    }
}
