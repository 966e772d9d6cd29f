package dev.parley.app.testing;

import dev.parley.app.service.Participant;
import dev.parley.app.service.StatsSnapshot;
import dev.parley.app.service.StatsSource;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A participant whose level, stats and frames the test sets. */
public final class FakeParticipant implements Participant {
    private final String id;
    private final String name;
    private final boolean local;
    public final SolidFeed feed = new SolidFeed();
    public volatile double level;
    public volatile StatsSnapshot stats = StatsSnapshot.empty();
    public final List<String> renditionRequests = new CopyOnWriteArrayList<>();
    private final List<String> renditions;

    public FakeParticipant(String id, String name, boolean local, List<String> renditions) {
        this.id = id;
        this.name = name;
        this.local = local;
        this.renditions = List.copyOf(renditions);
    }

    public static FakeParticipant remote(String id, String name) {
        return new FakeParticipant(id, name, false, List.of("180p", "360p", "720p"));
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String displayName() {
        return name;
    }

    @Override
    public boolean isLocal() {
        return local;
    }

    @Override
    public SolidFeed video() {
        return feed;
    }

    @Override
    public StatsSource stats() {
        return () -> stats;
    }

    @Override
    public double audioLevel() {
        return level;
    }

    @Override
    public List<String> renditions() {
        return renditions;
    }

    @Override
    public void chooseRendition(String rendition) {
        renditionRequests.add(rendition);
    }
}
