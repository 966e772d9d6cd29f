package dev.parley.media.watch;

import dev.parley.media.codec.EncodedAudio;
import dev.parley.media.codec.OpusDecoder;
import dev.parley.media.codec.OpusEncoder;
import dev.parley.media.frame.AudioBlock;
import dev.parley.media.playout.AudioClock;
import dev.parley.media.playout.AudioSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The playout thread with the real Opus encoder, stepped tick by tick by its sink: one packet of a
 * stream goes missing while the packet after it is already buffered, so the playout plays, in that
 * packet's slot, the frame rebuilt by in-band FEC (bit for bit what the decoder's FEC path yields)
 * and counts one recovery.
 */
@Timeout(60)
class AudioPlayoutFecTest {
    private static final int FRAMES = 40;
    private static final int LOST = 20;

    @Test
    void aSingleMissingPacketIsRebuiltFromTheNextPacketsFec() throws Exception {
        List<EncodedAudio> packets = new ArrayList<>();
        try (OpusEncoder enc = new OpusEncoder(1, 32_000)) {
            double phase = 0;
            for (int f = 0; f < FRAMES; f++) {
                short[] s = new short[960];
                for (int i = 0; i < s.length; i++) {
                    s[i] = (short) (8000 * Math.sin(phase) + 3000 * Math.sin(2 * phase));
                    phase += 2 * Math.PI * (f < LOST ? 250 : 400) / 48_000;
                }
                packets.addAll(enc.encode(new AudioBlock(s, 48_000, 1, 1_000_000L + f * 20_000L)));
            }
        }
        assertThat(packets).hasSize(FRAMES);
        short[] fecFrame;
        short[] plcFrame;
        try (OpusDecoder fec = new OpusDecoder(1); OpusDecoder plc = new OpusDecoder(1)) {
            for (int i = 0; i < LOST; i++) {
                fec.decode(packets.get(i).data());
                plc.decode(packets.get(i).data());
            }
            fecFrame = fec.recover(packets.get(LOST + 1).data());
            plcFrame = plc.conceal();
        }
        assertThat(fecFrame).isNotEqualTo(plcFrame);

        SteppedSink sink = new SteppedSink();
        long recovered;
        long concealed;
        AudioPlayout playout = new AudioPlayout(sink, new AudioClock(), 1);
        try {
            // tick by tick, like a network delivering each packet 40 ms ahead of its playout; packet LOST never comes
            sink.awaitWrites(1); // the first tick found nothing buffered
            playout.push(packets.get(0));
            playout.push(packets.get(1));
            for (int i = 2; i < FRAMES + 2; i++) {
                if (i < FRAMES && i != LOST) {
                    playout.push(packets.get(i));
                }
                sink.step();
                sink.awaitWrites(i);
            }
            // counters as of the last stepped tick (once released, the playout runs dry and conceals)
            recovered = playout.recovered();
            concealed = playout.concealed();
        } finally {
            sink.release();
            playout.close();
        }
        List<short[]> heard = sink.heard();
        assertThat(heard.get(1)).as("packet 0 plays after the first silent tick").isEqualTo(decodeFirst(packets));
        assertThat(recovered).as("FEC recoveries").isEqualTo(1);
        assertThat(heard.get(1 + LOST)).as("the FEC frame plays in the lost packet's slot").isEqualTo(fecFrame);
        assertThat(heard).as("no PLC frame in its place").noneMatch(b -> Arrays.equals(b, plcFrame));
        assertThat(concealed).as("nothing concealed").isZero();
    }

    private static short[] decodeFirst(List<EncodedAudio> packets) {
        try (OpusDecoder d = new OpusDecoder(1)) {
            return d.decode(packets.getFirst().data());
        }
    }

    /** A sink whose every write waits for the test to allow the next tick, so playout runs in lock-step with the test. */
    private static final class SteppedSink implements AudioSink {
        private final List<short[]> heard = new CopyOnWriteArrayList<>();
        private final Semaphore ticks = new Semaphore(0);
        private final AtomicInteger writes = new AtomicInteger();

        @Override
        public void write(short[] pcm) {
            heard.add(pcm);
            writes.incrementAndGet();
            ticks.acquireUninterruptibly();
        }

        void step() {
            ticks.release();
        }

        void release() {
            ticks.release(1_000);
        }

        void awaitWrites(int n) throws InterruptedException {
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (writes.get() < n) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("playout stopped at " + writes.get() + " writes, expected " + n);
                }
                Thread.sleep(1);
            }
        }

        List<short[]> heard() {
            return heard;
        }

        @Override
        public long latencyMicros() {
            return 0;
        }

        @Override
        public String name() {
            return "stepped";
        }

        @Override
        public void close() {
            release();
        }
    }
}
