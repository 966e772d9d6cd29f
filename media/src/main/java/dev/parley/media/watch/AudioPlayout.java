package dev.parley.media.watch;

import dev.parley.media.codec.EncodedAudio;
import dev.parley.media.codec.OpusDecoder;
import dev.parley.media.codec.OpusWarmUp;
import dev.parley.media.playout.AudioClock;
import dev.parley.media.playout.AudioSink;
import dev.parley.media.playout.JitterBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opus playout on its own platform thread {@code audio-playout}: every 20 ms tick takes one slot
 * from the {@link JitterBuffer} (decode; for a gap, in-band FEC from the packet after it when exactly
 * one frame is missing, Opus PLC otherwise; or silence while buffering), writes it
 * to the sink (whose blocking write paces the loop) and advances the {@link AudioClock}. A packet the
 * buffer marks droppable (it holds more than its target) is skipped when it decodes to silence, which
 * is how the delay shrinks back without an audible jump.
 */
public final class AudioPlayout implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AudioPlayout.class);

    private final JitterBuffer buffer = new JitterBuffer();
    private final AudioSink sink;
    private final AudioClock clock;
    private final int channels;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long concealed;
    private volatile long recovered;
    private volatile long played;

    public AudioPlayout(AudioSink sink, AudioClock clock, int channels) {
        this.sink = sink;
        this.clock = clock;
        this.channels = channels;
        this.thread = Thread.ofPlatform().name("audio-playout").daemon().start(this::run);
    }

    /** Adds a received packet (reader thread). */
    public void push(EncodedAudio packet) {
        synchronized (buffer) {
            buffer.push(packet, System.nanoTime());
        }
    }

    private void run() {
        short[] silence = new short[960 * channels];
        OpusWarmUp.prime(); // class loading now, not as a 70 ms stall in the middle of playout
        try (OpusDecoder decoder = new OpusDecoder(channels)) {
            while (running) {
                JitterBuffer.Slot slot;
                synchronized (buffer) {
                    slot = buffer.pop();
                }
                switch (slot) {
                    case JitterBuffer.Play p -> {
                        short[] pcm = decoder.decode(p.packet().data());
                        if (p.droppable() && pcm.length > 0 && silent(pcm)) {
                            // the buffer holds more than it needs: skipping a silent frame shortens the delay unheard
                            synchronized (buffer) {
                                buffer.skipped();
                            }
                            continue;
                        }
                        // the block starts sounding once what the sink already holds has played
                        clock.played(p.packet().timestampMicros(), sink.latencyMicros());
                        sink.write(pcm.length == 0 ? decoder.conceal() : pcm);
                        played++;
                    }
                    case JitterBuffer.Lost l -> {
                        short[] pcm = decoder.conceal();
                        clock.played(l.timestampMicros(), sink.latencyMicros());
                        sink.write(pcm);
                    }
                    case JitterBuffer.Recover r -> {
                        short[] pcm = decoder.recover(r.next().data());
                        clock.played(r.timestampMicros(), sink.latencyMicros());
                        sink.write(pcm);
                    }
                    case JitterBuffer.Silence s -> sink.write(silence);
                }
                concealed = decoder.concealed();
                recovered = decoder.recovered();
            }
        } catch (RuntimeException e) {
            LOG.warn("audio playout stopped: {}", e.getMessage());
        }
    }

    // below about -50 dBFS: nothing anyone would miss
    private static boolean silent(short[] pcm) {
        long sum = 0;
        for (short v : pcm) {
            sum += (long) v * v;
        }
        return sum < (long) pcm.length * 100 * 100;
    }

    public int bufferMillis() {
        synchronized (buffer) {
            return buffer.depthMillis();
        }
    }

    public int targetMillis() {
        synchronized (buffer) {
            return buffer.targetMillis();
        }
    }

    /** Frames synthesised by Opus PLC (gaps, and packets the decoder rejected). */
    public long concealed() {
        return concealed;
    }

    /** Lost frames rebuilt from the next packet's in-band FEC. */
    public long recovered() {
        return recovered;
    }

    public long played() {
        return played;
    }

    public String sinkName() {
        return sink.name();
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sink.close();
    }
}
