package dev.parley.media.watch;

import dev.parley.media.codec.EncodedAudio;
import dev.parley.media.codec.OpusEncoder;
import dev.parley.media.codec.OpusFec;
import dev.parley.media.codec.SpeechLikeSignal;
import dev.parley.media.frame.AudioBlock;
import dev.parley.media.hang.AudioRendition;
import dev.parley.media.hang.Catalog;
import dev.parley.media.hang.LegacyFrame;
import dev.parley.media.playout.NullAudioSink;
import dev.parley.media.source.Clock;
import dev.parley.media.stats.WatchStats;
import dev.parley.net.moq.model.BroadcastProducer;
import dev.parley.net.moq.model.GroupProducer;
import dev.parley.net.moq.model.TrackInfo;
import dev.parley.net.moq.model.TrackProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An audio-only broadcast through the moq model into {@link RemoteMedia}: the publisher drops single
 * Opus packets (as on a lossy link); the watcher rebuilds those whose successor carries in-band FEC
 * and {@link WatchStats#audioRecovered()} counts them, while a loss without FEC data is concealed.
 */
@Timeout(60)
class WatchFecStatsTest {
    @Test
    void singleLossesAreRecoveredAndCountedInWatchStats() throws Exception {
        BroadcastProducer broadcast = new BroadcastProducer();
        TrackProducer catalogTrack = broadcast.createTrack(new TrackInfo(Catalog.TRACK, TrackInfo.PRIORITY_CATALOG));
        TrackProducer audio = broadcast.createTrack(new TrackInfo("audio/opus", TrackInfo.PRIORITY_AUDIO));
        GroupProducer g = catalogTrack.appendGroup();
        g.writeFrame(Catalog.of(Map.of(), Map.of("audio/opus", AudioRendition.opus(48_000, 1, 32_000))).toJson());
        g.close();

        // encode 4 s of speech-like audio first, so the test knows which packets carry FEC
        List<EncodedAudio> packets = new ArrayList<>();
        SpeechLikeSignal voice = new SpeechLikeSignal();
        long base = Clock.nowMicros();
        try (OpusEncoder enc = new OpusEncoder(1, 32_000)) {
            for (int i = 0; i < 200; i++) {
                packets.addAll(enc.encode(new AudioBlock(voice.next(960), 48_000, 1, base + i * 20_000L)));
            }
        }
        // after a 1.5 s warm-up (subscription, jitter buffer filled): one single loss per 400 ms whose
        // successor carries FEC, and one whose successor does not
        Set<Integer> drop = new TreeSet<>();
        for (int from = 75; from < 190; from += 20) {
            for (int i = from; i < from + 15; i++) {
                if (OpusFec.hasLbrr(packets.get(i + 1).data())) {
                    drop.add(i);
                    break;
                }
            }
        }
        int recoverable = drop.size();
        for (int i = 75; i < 198; i++) {
            int at = i;
            if (!OpusFec.hasLbrr(packets.get(at + 1).data()) && drop.stream().allMatch(d -> Math.abs(d - at) > 3)) {
                drop.add(at);
                break;
            }
        }
        assertThat(recoverable).isGreaterThanOrEqualTo(4);
        assertThat(drop).hasSize(recoverable + 1);

        // One packet per group with its capture timestamp, as a publisher that groups packets that way
        // sends them; a dropped group is one missing packet (a relay skipping a late group). Parley's own
        // AudioTrackWriter cannot make such gaps: it stamps packets on a gapless timeline.
        WatchStats stats;
        try (RemoteMedia remote = new RemoteMedia(broadcast.consume(),
                WatchOptions.defaults().withAudioSink(new NullAudioSink()))) {
            long start = System.nanoTime();
            for (int i = 0; i < packets.size(); i++) { // sent in real time
                long wait = start + i * 20_000_000L - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                if (!drop.contains(i)) {
                    EncodedAudio p = packets.get(i);
                    audio.appendGroupWithFrame(new LegacyFrame(p.timestampMicros(), p.data()).encode());
                }
            }
            Thread.sleep(200);
            stats = remote.stats();
        } finally {
            broadcast.close();
        }
        System.out.printf("dropped %s (%d with FEC in the next packet): FEC recovered %d, PLC concealed %d%n",
                drop, recoverable, stats.audioRecovered(), stats.audioConcealed());
        // a busy machine can starve the sender long enough for an underrun to swallow a gap (then PLC)
        assertThat(stats.audioRecovered()).as("single losses rebuilt by FEC").isBetween(recoverable - 2L, (long) recoverable);
        assertThat(stats.audioConcealed()).as("the loss without FEC data (plus the final underrun) is concealed")
                .isGreaterThanOrEqualTo(1 + recoverable - stats.audioRecovered());
    }
}
