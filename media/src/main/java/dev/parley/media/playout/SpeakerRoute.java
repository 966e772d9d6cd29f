package dev.parley.media.playout;

import dev.parley.media.source.DeviceChange;
import dev.parley.media.source.DeviceFallback;
import dev.parley.media.source.DeviceInfo;
import dev.parley.media.source.DeviceKind;
import dev.parley.media.source.Devices;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Which speaker the process plays on. Every {@link SpeakerSink#openOrNull() speaker sink} follows it:
 * {@link #select} moves them all to another output from their next block on (playout, its jitter buffer
 * and the echo canceller's reference carry on), and a sink whose output fails (unplugged) reports it
 * here, which moves every sink to the next output that has not failed, or to no output (real-time
 * paced silence), and tells the listeners once. Thread-safe.
 */
public final class SpeakerRoute {
    private static final Logger LOG = LoggerFactory.getLogger(SpeakerRoute.class);
    private static final SpeakerRoute SHARED = new SpeakerRoute(() -> Devices.list(DeviceKind.SPEAKER));
    /** The route's name for "no output". */
    public static final String NONE = "none";

    private final Supplier<List<DeviceInfo>> speakers;
    private final List<Consumer<? super DeviceChange>> listeners = new CopyOnWriteArrayList<>();
    private final Set<String> failed = new HashSet<>(); // guarded by this
    private String choice; // guarded by this; null = the system default output
    private volatile long generation;

    SpeakerRoute(Supplier<List<DeviceInfo>> speakers) {
        this.speakers = speakers;
    }

    public static SpeakerRoute shared() {
        return SHARED;
    }

    /** The chosen output's mixer name, {@link #NONE}, or null for the system default. */
    public synchronized String choice() {
        return choice;
    }

    /** Bumped on every change; sinks reopen when it moves. */
    long generation() {
        return generation;
    }

    /**
     * Plays on this output from the next block on (a mixer name, name fragment or index; null for the
     * system default).
     *
     * @throws dev.parley.media.source.DeviceUnavailableException when no such output exists
     */
    public void select(String wanted) {
        String next = wanted == null || wanted.isBlank() ? null : Devices.choose(DeviceKind.SPEAKER, wanted).name();
        String before;
        synchronized (this) {
            before = label(choice);
            choice = next;
            if (next != null) {
                failed.remove(next);
            }
            generation++;
        }
        tell(new DeviceChange(DeviceKind.SPEAKER, before, label(next), null));
    }

    /** Called (with the route's generation the sink was opened for) when a sink's output failed. */
    void failed(long openedFor, String device, String reason) {
        String next;
        synchronized (this) {
            if (openedFor != generation) {
                return; // already moved on (another sink reported it, or the user chose another)
            }
            failed.add(device);
            next = DeviceFallback.next(speakers.get(), failed).map(DeviceInfo::name).orElse(NONE);
            choice = next;
            generation++;
        }
        LOG.warn("speaker {} failed ({}); falling back to {}", device, reason, next);
        tell(new DeviceChange(DeviceKind.SPEAKER, device, next, reason));
    }

    /** Listens to changes (the user's and fallbacks); the returned handle stops listening. */
    public AutoCloseable onChange(Consumer<? super DeviceChange> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    private void tell(DeviceChange change) {
        for (Consumer<? super DeviceChange> l : listeners) {
            try {
                l.accept(change);
            } catch (RuntimeException bad) {
                LOG.warn("speaker change listener failed", bad);
            }
        }
    }

    private static String label(String choice) {
        return choice == null ? "default" : choice;
    }
}
