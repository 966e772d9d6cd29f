package dev.parley.media.voice;

import dev.parley.media.frame.AudioBlock;
import dev.parley.media.playout.AudioSink;
import dev.parley.media.playout.SpeakerSink;
import dev.parley.media.source.AudioSource;
import dev.parley.media.source.MicrophoneSource;
import dev.parley.media.source.SourceSubscription;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Child JVM of {@link EchoLoopOsTest}: Parley's real playout and capture paths on the default ALSA
 * device, which the test routes to a PulseAudio null sink and its monitor. Speech (raw 48 kHz s16le,
 * the first argument) plays through {@code VoiceProcessing.shared().tap(SpeakerSink.openOrNull())},
 * as every remote participant's audio does; the microphone is {@code MicrophoneSource.open(null)}
 * through {@code VoiceProcessing.process}, as in a call. After the second argument's seconds it prints
 * what the raw and processed microphone carried (see {@link EchoLoopOsTest} for the measure).
 */
public final class EchoLoopMain {
    public static void main(String[] args) throws Exception {
        byte[] raw = Files.readAllBytes(Path.of(args[0]));
        short[] speech = new short[raw.length / 2];
        ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(speech);
        long seconds = Long.parseLong(args[1]);
        if (EchoCanceller.create().map(c -> {
            c.close();
            return false;
        }).orElse(true)) {
            System.out.println("unavailable " + EchoCanceller.loadFailure());
            System.exit(4);
        }
        VoiceProcessing voice = VoiceProcessing.shared();
        // where each written block was placed in the reference (the tap's own rule: write time + queued latency)
        long[] placedAt = new long[speech.length / 960 + 1];
        AudioSink out = SpeakerSink.openOrNull();
        AudioSink speaker = voice.tap(new AudioSink() {
            private int pos;
            private long lastWrite = -1;

            @Override
            public void write(short[] pcm) {
                long now = System.nanoTime();
                if (lastWrite >= 0 && now - lastWrite > 60_000_000L) { // the speaker's 60 ms ran dry: the echo path may move
                    System.out.println("stall " + dev.parley.media.source.Clock.nowMicros() + " playout " + (now - lastWrite) / 1_000_000);
                }
                lastWrite = now;
                placedAt[(pos % speech.length) / 960] = System.nanoTime() + out.latencyMicros() * 1000;
                pos += pcm.length;
                out.write(pcm);
            }

            @Override
            public long latencyMicros() {
                return out.latencyMicros();
            }

            @Override
            public String name() {
                return out.name();
            }

            @Override
            public void close() {
                out.close();
            }
        });
        MicrophoneSource device = MicrophoneSource.open(null);
        AudioSource processed = voice.process(device);
        Map<Long, short[]> before = new ConcurrentHashMap<>();
        List<AudioBlock> after = new ArrayList<>();
        Thread playout = Thread.ofPlatform().name("test-playout").start(() -> {
            int pos = 0;
            while (!Thread.currentThread().isInterrupted()) {
                pos %= speech.length - speech.length % 960;
                short[] block = new short[960];
                for (int i = 0; i < block.length; i++) {
                    block[i] = speech[(pos + i) % speech.length];
                }
                pos += block.length;
                speaker.write(block);
            }
        });
        long start = System.nanoTime();
        try (SourceSubscription p = processed.subscribe(b -> {
            synchronized (after) {
                after.add(b);
            }
        }); SourceSubscription r = device.subscribe(new java.util.function.Consumer<AudioBlock>() {
            private long last = -1;

            @Override
            public void accept(AudioBlock b) {
                before.put(b.captureMicros(), b.samples());
                if (last >= 0 && Math.abs(b.captureMicros() - last - dev.parley.media.source.AudioSource.BLOCK_MICROS) > 1_000) { // audio lost or the clock re-anchored
                    System.out.println("stall " + b.captureMicros() + " capture " + (b.captureMicros() - last) / 1000);
                }
                last = b.captureMicros();
            }
        })) {
            while (System.nanoTime() - start < seconds * 1_000_000_000L) {
                Thread.sleep(100);
            }
            EchoStats stats = voice.stats(); // the overlay's figure, while it runs
            System.out.println("stats active=" + stats.active() + " reduction=" + stats.reductionDb());
        } finally {
            playout.interrupt();
            playout.join(2000);
        }
        System.out.println("speaker " + speaker.name() + " reanchors " + voice.farEndReanchors()
                + " resyncs " + voice.farEndResyncs());
        java.util.HashMap<Long, Integer> index = new java.util.HashMap<>();
        int usable = speech.length - speech.length % 960;
        for (int i = 0; i + 4 <= usable; i++) {
            index.putIfAbsent(key(speech, i), i);
        }
        long wallToMono = System.nanoTime() - dev.parley.media.source.Clock.nowMicros() * 1000;
        synchronized (after) {
            for (AudioBlock b : after) {
                short[] in = before.get(b.captureMicros());
                if (in != null) {
                    // the echo's delay against where the reference put it: find this block's first loud sample in the speech
                    long lag = Long.MIN_VALUE;
                    for (int j = 0; j + 4 <= in.length; j++) {
                        if (Math.abs(in[j]) > 2000) {
                            Integer at = index.get(key(in, j));
                            if (at != null) {
                                long sounded = b.captureMicros() * 1000 + wallToMono + j * 1_000_000_000L / 48_000;
                                long placed = placedAt[at / 960] + (at % 960) * 1_000_000_000L / 48_000;
                                lag = (sounded - placed) / 1_000_000;
                            }
                            break;
                        }
                    }
                    System.out.println("block " + b.captureMicros() + " " + energy(in) + " " + energy(b.samples())
                            + " " + (lag == Long.MIN_VALUE ? "-" : String.valueOf(lag)));
                }
            }
        }
        processed.close();
        speaker.close();
        System.out.println("done");
        System.exit(0);
    }

    private static long key(short[] s, int i) {
        return ((long) (s[i] & 0xffff) << 48) | ((long) (s[i + 1] & 0xffff) << 32) | ((long) (s[i + 2] & 0xffff) << 16)
                | (s[i + 3] & 0xffff);
    }

    private static double energy(short[] s) {
        double e = 0;
        for (short v : s) {
            e += (double) v * v;
        }
        return e;
    }
}
