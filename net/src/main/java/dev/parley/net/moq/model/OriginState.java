package dev.parley.net.moq.model;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Shared state of one origin, guarded by {@link #watch}: every published handle per path (the last one
 * is the active broadcast) and the cursor of each open {@link OriginConsumer}.
 */
final class OriginState {
    final Watch<OriginState> watch = new Watch<>(this);
    final HashMap<Path, ArrayList<BroadcastConsumer>> published = new HashMap<>();
    final List<Cursor> cursors = new ArrayList<>();
    /** Per publication, the listener that unpublishes it when the broadcast ends; removed on unpublish. */
    final HashMap<Publication, Runnable> endWatches = new HashMap<>();
    boolean ended;

    /** One handle published at one path; handles compare by identity. */
    record Publication(Path path, BroadcastConsumer handle) {
    }

    /** Per-consumer bookkeeping: what it was told, and which paths may have changed since. */
    static final class Cursor {
        final Path prefix;
        final HashMap<Path, BroadcastState> reported = new HashMap<>();
        final LinkedHashSet<Path> dirty = new LinkedHashSet<>();
        boolean closed;

        Cursor(Path prefix) {
            this.prefix = prefix;
        }
    }

    BroadcastConsumer active(Path path) {
        ArrayList<BroadcastConsumer> list = published.get(path);
        return list == null || list.isEmpty() ? null : list.getLast();
    }

    void markDirty(Path path) {
        for (Cursor c : cursors) {
            if (path.hasPrefix(c.prefix)) {
                c.dirty.add(path);
            }
        }
    }

    Cursor addCursor(Path prefix) {
        Cursor c = new Cursor(prefix);
        // Initial set first, in path order so it is deterministic.
        published.keySet().stream().filter(p -> p.hasPrefix(prefix)).sorted().forEach(c.dirty::add);
        if (!ended) {
            cursors.add(c);
        }
        return c;
    }
}
