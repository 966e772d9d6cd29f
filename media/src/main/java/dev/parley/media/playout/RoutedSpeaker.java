package dev.parley.media.playout;

import dev.parley.media.source.DeviceUnavailableException;

/**
 * A speaker sink that follows a {@link SpeakerRoute}: it reopens its output on the playout thread when
 * the route changes, and reports an output that fails so the route falls back. While no output opens it
 * paces like a {@link NullAudioSink}.
 */
final class RoutedSpeaker implements AudioSink {
    private final SpeakerRoute route;
    private volatile AudioSink out; // replaced under this by the playout thread
    private long openedFor = -1;

    RoutedSpeaker(SpeakerRoute route) {
        this.route = route;
        reopen();
    }

    private void reopen() {
        long gen = route.generation();
        String choice = route.choice();
        if (out != null) {
            out.close();
        }
        openedFor = gen;
        if (SpeakerRoute.NONE.equals(choice)) {
            out = new NullAudioSink();
            return;
        }
        try {
            out = SpeakerSink.open(choice);
        } catch (DeviceUnavailableException e) {
            out = new NullAudioSink();
            if (choice != null) {
                route.failed(gen, choice, e.reason());
            }
        }
    }

    @Override
    public synchronized void write(short[] pcm) {
        if (openedFor != route.generation()) {
            reopen();
        }
        try {
            out.write(pcm);
        } catch (DeviceUnavailableException e) {
            out.close();
            out = new NullAudioSink();
            route.failed(openedFor, e.requested(), e.reason());
        }
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
    public synchronized void close() {
        out.close();
    }
}
