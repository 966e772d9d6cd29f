package dev.parley.media.playout;

import dev.parley.media.codec.EncodedAudio;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class JitterBufferTest {
    static EncodedAudio p(int seq) {
        return new EncodedAudio(new byte[]{(byte) seq}, 1_000_000L + seq * 20_000L);
    }

    /** Arrival exactly on schedule (no jitter). */
    static long at(int seq) {
        return seq * 20_000_000L;
    }

    static long playedTs(JitterBuffer.Slot s) {
        assertThat(s).isInstanceOf(JitterBuffer.Play.class);
        return ((JitterBuffer.Play) s).packet().timestampMicros();
    }

    @Test
    void buffersToTargetThenPlaysInOrderAcrossReordering() {
        JitterBuffer jb = new JitterBuffer();
        jb.push(p(1), at(1));
        assertThat(jb.pop()).isInstanceOf(JitterBuffer.Silence.class);
        jb.push(p(0), at(0));
        assertThat(playedTs(jb.pop())).isEqualTo(p(0).timestampMicros());
        jb.push(p(3), at(3));
        jb.push(p(2), at(2));
        assertThat(playedTs(jb.pop())).isEqualTo(p(1).timestampMicros());
        assertThat(playedTs(jb.pop())).isEqualTo(p(2).timestampMicros());
        assertThat(playedTs(jb.pop())).isEqualTo(p(3).timestampMicros());
        assertThat(jb.push(p(2), at(2))).as("late packet discarded").isFalse();
    }

    @Test
    void gapIsConcealedAndUnderrunGrowsTargetWithinBounds() {
        JitterBuffer jb = new JitterBuffer();
        jb.push(p(0), at(0));
        jb.push(p(2), at(2));
        assertThat(jb.pop()).isInstanceOf(JitterBuffer.Play.class);
        JitterBuffer.Slot gap = jb.pop();
        assertThat(gap).as("one frame missing, the next one buffered").isInstanceOf(JitterBuffer.Recover.class);
        assertThat(((JitterBuffer.Recover) gap).timestampMicros()).isEqualTo(p(1).timestampMicros());
        assertThat(playedTs(jb.pop())).isEqualTo(p(2).timestampMicros());
        assertThat(jb.targetMillis()).isEqualTo(JitterBuffer.INITIAL_TARGET_MS);
        for (int i = 0; i < 10; i++) {
            jb.pop(); // starve it repeatedly
            jb.push(p(3 + 2 * i), at(3 + 2 * i));
            jb.push(p(4 + 2 * i), at(4 + 2 * i));
            while (jb.pop() instanceof JitterBuffer.Play) {
                // drain
            }
        }
        assertThat(jb.underruns()).isGreaterThan(0);
        assertThat(jb.targetMillis()).isGreaterThan(JitterBuffer.INITIAL_TARGET_MS).isLessThanOrEqualTo(JitterBuffer.MAX_TARGET_MS);
    }

    @Test
    void twoMissingFramesAreConcealedThenRecoveredFromThePacketAfterTheGap() {
        JitterBuffer jb = new JitterBuffer();
        EncodedAudio three = p(3);
        jb.push(p(0), at(0));
        jb.push(three, at(3));
        jb.push(p(4), at(4));
        assertThat(playedTs(jb.pop())).isEqualTo(p(0).timestampMicros());
        assertThat(jb.pop()).as("frame 1: the buffered packet is two frames away, its FEC is for frame 2")
                .isEqualTo(new JitterBuffer.Lost(p(1).timestampMicros()));
        JitterBuffer.Slot s = jb.pop();
        assertThat(s).isInstanceOf(JitterBuffer.Recover.class);
        JitterBuffer.Recover r = (JitterBuffer.Recover) s;
        assertThat(r.timestampMicros()).isEqualTo(p(2).timestampMicros());
        assertThat(r.next()).as("FEC source is the packet right after the gap").isSameAs(three);
        assertThat(playedTs(jb.pop())).as("and it still plays").isEqualTo(three.timestampMicros());
        assertThat(playedTs(jb.pop())).isEqualTo(p(4).timestampMicros());
        assertThat(jb.lost()).isEqualTo(2);
    }

    @Test
    void anUnderrunIsConcealedNotRecovered() {
        JitterBuffer jb = new JitterBuffer();
        jb.push(p(0), at(0));
        jb.push(p(1), at(1));
        jb.pop();
        jb.pop();
        assertThat(jb.pop()).as("nothing buffered to take FEC from").isEqualTo(new JitterBuffer.Lost(p(2).timestampMicros()));
    }

    @Test
    void steadySurplusShrinksBackTowardsMinimum() {
        JitterBuffer jb = new JitterBuffer();
        int seq = 0;
        for (; seq < 6; seq++) {
            jb.push(p(seq), at(seq));
        }
        for (int tick = 0; tick < 300; tick++) {
            jb.pop();
            jb.push(p(seq), at(seq));
            seq++;
        }
        assertThat(jb.depthMillis()).isLessThanOrEqualTo(JitterBuffer.MIN_TARGET_MS + 20);
        assertThat(jb.dropped()).isGreaterThan(0);
    }

    @Test
    void aStallThatPilesUpASecondIsDroppedAtOnce() {
        JitterBuffer jb = new JitterBuffer();
        for (int seq = 0; seq < 50; seq++) {
            jb.push(p(seq), at(seq));
        }
        assertThat(jb.depthMillis()).isEqualTo(1000);
        JitterBuffer.Slot s = jb.pop();
        assertThat(s).isInstanceOf(JitterBuffer.Play.class);
        assertThat(jb.depthMillis()).isLessThanOrEqualTo(jb.targetMillis());
        assertThat(playedTs(s)).as("plays the freshest audio, not the oldest").isGreaterThanOrEqualTo(p(46).timestampMicros());
    }
}
