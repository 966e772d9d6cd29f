package dev.parley.media.source;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The device behind a {@link SwitchingAudioSource} or {@link SwitchingVideoSource}: it subscribes to
 * the current device while its owner captures and hands the device's items over a short queue (the
 * newest win) to the owner's capture thread. {@link #switchTo} replaces the device at once, from any
 * thread, without the owner's subscribers noticing; a device that fails is replaced on the owner's
 * capture thread by what {@code replacement} picks (given every device that failed in this call, so
 * it never goes back to a broken one; it ends with a test source, which cannot fail).
 */
final class SourceSwitch<T> {
    private static final Logger LOG = LoggerFactory.getLogger(SourceSwitch.class);
    private static final int QUEUE = 4;

    private final DeviceKind kind;
    private final UnaryOperator<T> keep;
    private final Consumer<T> drop;
    private final Function<Set<String>, SharedSource<T>> replacement;
    private final BlockingQueue<T> queue = new ArrayBlockingQueue<>(QUEUE);
    private final List<Consumer<? super DeviceChange>> listeners = new CopyOnWriteArrayList<>();
    /** Names of devices that failed in this call (touched on the owner's capture thread and under this). */
    private final Set<String> failed = new HashSet<>();
    /** Written under this; read anywhere (a failing device's thread reads it while a swap holds the lock and joins that thread). */
    private volatile SharedSource<T> current;
    private SourceSubscription subscription; // guarded by this; non-null while the owner captures
    private volatile SharedSource<T> failing;
    private volatile RuntimeException failure;

    /**
     * @param keep        what a queued item needs to outlive the device's sink call (frames: retain)
     * @param drop        releases an item that is skipped or left over
     * @param replacement the next device after failures of the named devices (a test source last)
     */
    SourceSwitch(DeviceKind kind, SharedSource<T> first, UnaryOperator<T> keep, Consumer<T> drop,
                 Function<Set<String>, SharedSource<T>> replacement) {
        this.kind = kind;
        this.keep = keep;
        this.drop = drop;
        this.replacement = replacement;
        install(first);
    }

    SharedSource<T> current() {
        return current;
    }

    void onChange(Consumer<? super DeviceChange> listener) {
        listeners.add(listener);
    }

    private void install(SharedSource<T> source) {
        current = source;
        source.onError(e -> {
            if (source == currentOrNull()) {
                failure = e;
                failing = source;
            }
        });
    }

    private SharedSource<T> currentOrNull() {
        return current;
    }

    /** The owner starts capturing: listen to the current device. */
    synchronized void open() {
        queue.clear();
        subscription = current.subscribe(this::offer);
    }

    private void offer(T item) {
        T kept = keep.apply(item);
        while (!queue.offer(kept)) {
            T old = queue.poll();
            if (old != null) {
                drop.accept(old);
            }
        }
    }

    /** On the owner's capture thread: the next item (null after 100 ms without one), replacing a failed device first. */
    T poll() throws InterruptedException {
        RuntimeException e = failure;
        if (e != null) {
            replaceFailed(e);
        }
        return queue.poll(100, TimeUnit.MILLISECONDS);
    }

    private void replaceFailed(RuntimeException e) {
        SharedSource<T> broken = failing;
        failure = null;
        failing = null;
        if (broken == null || broken != currentOrNull()) {
            return;
        }
        failed.add(broken.name());
        String reason = e instanceof DeviceUnavailableException d ? d.reason() : String.valueOf(e.getMessage());
        SharedSource<T> next = replacement.apply(Set.copyOf(failed));
        LOG.warn("{} {} failed ({}); falling back to {}", kind.name().toLowerCase(), broken.name(), reason, next.name());
        swap(next, reason);
    }

    /** Uses {@code next} from now on (closing the device in use); the owner's subscribers stay. */
    void switchTo(SharedSource<T> next) {
        synchronized (this) {
            failed.remove(next.name()); // chosen again by the user: give it another chance
        }
        swap(next, null);
    }

    private void swap(SharedSource<T> next, String reason) {
        SharedSource<T> old;
        synchronized (this) {
            old = current;
            if (old == next) {
                return;
            }
            SourceSubscription oldSubscription = subscription;
            install(next);
            if (oldSubscription != null) {
                subscription = next.subscribe(this::offer); // the new device starts before the old one stops
                oldSubscription.close();
            }
        }
        old.close();
        DeviceChange change = new DeviceChange(kind, old.name(), next.name(), reason);
        for (Consumer<? super DeviceChange> l : listeners) {
            try {
                l.accept(change);
            } catch (RuntimeException bad) {
                LOG.warn("device change listener failed", bad);
            }
        }
    }

    /** The owner stops capturing: leave the device (it stops when nobody else listens) and drop what is queued. */
    synchronized void stop() {
        if (subscription != null) {
            subscription.close();
            subscription = null;
        }
        for (T t; (t = queue.poll()) != null; ) {
            drop.accept(t);
        }
    }

    /** The owner is closed: so is the device. */
    void close() {
        stop();
        currentOrNull().close();
    }
}
