package dev.parley.media.watch;

import dev.parley.media.codec.EncodedAudio;
import dev.parley.media.codec.OpusDecoder;
import dev.parley.media.codec.OpusEncoder;
import dev.parley.media.frame.AudioBlock;
import dev.parley.media.playout.AudioClock;
import dev.parley.media.playout.NullAudioSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The playout thread with the real Opus encoder: one packet of a stream goes missing while the
 * packet after it is already buffered, so the playout plays the frame rebuilt by in-band FEC (bit
 * for bit what the decoder's FEC path yields) and counts one recovery.
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

        List<short[]> heard = new CopyOnWriteArrayList<>();
        AudioPlayout playout = new AudioPlayout(new NullAudioSink(heard::add), new AudioClock(), 1);
        try {
            // feed like a network would, keeping about two frames buffered, and never send packet LOST
            int next = 0;
            while (next < FRAMES) {
                if (playout.bufferMillis() <= 40) {
                    if (next != LOST) {
                        playout.push(packets.get(next));
                    }
                    next++;
                } else {
                    Thread.sleep(2);
                }
            }
            while (playout.played() < FRAMES - 1 && playout.bufferMillis() > 0) {
                Thread.sleep(10);
            }
            Thread.sleep(100);
        } finally {
            playout.close();
        }
        assertThat(playout.recovered()).as("FEC recoveries").isEqualTo(1);
        assertThat(heard).as("the FEC frame was played").anyMatch(b -> Arrays.equals(b, fecFrame));
        assertThat(heard).as("no PLC frame in its place").noneMatch(b -> Arrays.equals(b, plcFrame));
    }
}
