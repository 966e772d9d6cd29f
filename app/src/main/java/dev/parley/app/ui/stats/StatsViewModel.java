package dev.parley.app.ui.stats;

import dev.parley.app.service.Participant;
import dev.parley.app.service.StatsSnapshot;
import dev.parley.app.service.StatsSource;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyLongProperty;
import javafx.beans.property.ReadOnlyLongWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The debug overlay of one tile: NET, CAPTURE, RENDER and TIME sections fed from a
 * {@link StatsSource}, with thresholds from the reference overlay, and the rendition selector. NET shows
 * the path (direct or relayed), the remote address, and the last path change with a count.
 * {@link #sample()} is called on the UI thread about every 200 ms; after each call
 * {@link #revisionProperty()} changes so the view redraws once.
 */
public final class StatsViewModel {
    public static final String AUTO = "Auto";

    private final StatsSource source;
    private final Participant participant;
    private final Map<StatsSection, SectionModel> sections = new EnumMap<>(StatsSection.class);
    private final ReadOnlyLongWrapper revision = new ReadOnlyLongWrapper(0);
    private final ObservableList<String> renditionChoices = FXCollections.observableArrayList(AUTO);
    private final ObjectProperty<String> rendition = new SimpleObjectProperty<>(AUTO);
    /** The last capture sample had no encoder running (nobody watches), so its rates are stale. */
    private boolean captureIdle;
    /** The NET path last shown ({@code "direct 10.0.0.2:5000"}, {@code "relayed"}) and how often it changed. */
    private String lastPath;
    private int pathChanges;

    /** @param participant whose renditions the selector offers, or {@code null} for none */
    public StatsViewModel(StatsSource source, Participant participant) {
        this.source = source;
        this.participant = participant;
        sections.put(StatsSection.NET, new SectionModel(StatsSection.NET, List.of("path", "addr", "change"), List.of(
                new Metric("RTT", "ms", Metric.SMOOTH, Thresholds.lowerBetter(30, 100)),
                new Metric("Loss", "%", Metric.SMOOTH, Thresholds.lowerBetter(2, 10)),
                new Metric("Down", "Mbps", Metric.SMOOTH, null),
                new Metric("Up", "Mbps", Metric.SMOOTH, null))));
        sections.put(StatsSection.CAPTURE, new SectionModel(StatsSection.CAPTURE,
                List.of("source", "codec", "encoder", "resolution", "voice"), List.of(
                new Metric("FPS", "", Metric.RESPONSIVE, Thresholds.higherBetter(25, 15)),
                new Metric("Encode", "ms", Metric.RESPONSIVE, Thresholds.lowerBetter(20, 40)),
                new Metric("Bitrate", "kbps", Metric.SMOOTH, null))));
        sections.put(StatsSection.RENDER, new SectionModel(StatsSection.RENDER, List.of("decoder", "rendition"), List.of(
                new Metric("FPS", "", Metric.RESPONSIVE, Thresholds.higherBetter(25, 15)),
                new Metric("Decode", "ms", Metric.RESPONSIVE, Thresholds.lowerBetter(10, 30)))));
        sections.put(StatsSection.TIME, new SectionModel(StatsSection.TIME, List.of(), List.of(
                new Metric("Latency", "ms", Metric.RESPONSIVE, Thresholds.lowerBetter(100, 200)),
                new Metric("A/V Δ", "ms", Metric.RESPONSIVE, Thresholds.lowerBetter(20, 50)),
                new Metric("AudioBuf", "ms", Metric.RESPONSIVE, Thresholds.lowerBetter(80, 200)),
                new Metric("AudioTarget", "ms", Metric.RESPONSIVE, Thresholds.lowerBetter(80, 200)))));
        if (participant != null) {
            renditionChoices.addAll(participant.renditions());
            rendition.addListener((obs, old, now) -> {
                if (now != null) {
                    participant.chooseRendition(AUTO.equals(now) ? "auto" : now);
                }
            });
        }
    }

    public SectionModel section(StatsSection s) {
        return sections.get(s);
    }

    public ReadOnlyLongProperty revisionProperty() {
        return revision.getReadOnlyProperty();
    }

    /** "Auto" followed by the participant's renditions. */
    public ObservableList<String> renditionChoices() {
        return renditionChoices;
    }

    public ObjectProperty<String> renditionProperty() {
        return rendition;
    }

    /** Pulls one sample from the source and returns it. */
    public StatsSnapshot sample() {
        StatsSnapshot s = source.sample();
        if (participant != null && renditionChoices.size() == 1 && !participant.renditions().isEmpty()) {
            renditionChoices.addAll(participant.renditions());
        }
        if (s.net() != null) {
            SectionModel net = sections.get(StatsSection.NET);
            net.setLabel("path", s.net().relayed() ? "relayed" : "direct");
            net.setLabel("addr", s.net().remote());
            String path = s.net().relayed() ? "relayed" : "direct " + s.net().remote();
            if (lastPath != null && !lastPath.equals(path)) { // relayed -> direct, a new direct address, back to the relay
                pathChanges++;
                net.setLabel("change", lastPath + " → " + path + " (" + pathChanges + ")");
            }
            lastPath = path;
            net.metric("RTT").add(s.net().rttMs());
            net.metric("Loss").add(s.net().lossPct());
            net.metric("Down").add(s.net().downMbps());
            net.metric("Up").add(s.net().upMbps());
            net.markPresent();
        }
        if (s.capture() != null) {
            SectionModel cap = sections.get(StatsSection.CAPTURE);
            cap.setLabel("source", s.capture().source());
            cap.setLabel("codec", s.capture().codec());
            cap.setLabel("encoder", s.capture().encoder());
            cap.setLabel("resolution", s.capture().resolution());
            cap.setLabel("voice", s.capture().voice());
            cap.metric("FPS").add(s.capture().fps());
            cap.metric("Encode").add(s.capture().encodeMs());
            cap.metric("Bitrate").add(s.capture().bitrateKbps());
            captureIdle = Double.isNaN(s.capture().fps());
            cap.markPresent();
        }
        if (s.render() != null) {
            SectionModel render = sections.get(StatsSection.RENDER);
            render.setLabel("decoder", s.render().decoder());
            render.setLabel("rendition", s.render().rendition());
            render.metric("FPS").add(s.render().fps());
            render.metric("Decode").add(s.render().decodeMs());
            render.markPresent();
        }
        if (s.time() != null) {
            SectionModel time = sections.get(StatsSection.TIME);
            time.metric("Latency").add(s.time().latencyMs());
            time.metric("A/V Δ").add(Math.abs(s.time().avOffsetMs()));
            time.metric("AudioBuf").add(s.time().audioBufferMs());
            time.metric("AudioTarget").add(s.time().audioTargetMs());
            time.markPresent();
        }
        revision.set(revision.get() + 1);
        return s;
    }

    /** {@code "Test pattern · 640x360 · 30.0 fps"}, or {@code "… · idle"} while no encoder runs. */
    private String captureSummary(SectionModel m) {
        String head = m.labels().get("source").get();
        String size = m.labels().get("resolution").get();
        if (!size.isEmpty()) {
            head += " · " + size;
        }
        return head + " · " + (captureIdle ? "idle" : m.metric("FPS").text() + " fps");
    }

    /** One-line summary of a section for the bar, e.g. {@code "direct · RTT 12.0 ms · Down 2.10 Mbps"}. */
    public String summary(StatsSection s) {
        SectionModel m = sections.get(s);
        if (!m.presentProperty().get()) {
            return "";
        }
        return switch (s) {
            case NET -> m.labels().get("path").get() + " · RTT " + m.metric("RTT").text() + " · Down " + m.metric("Down").text();
            case CAPTURE -> captureSummary(m);
            case RENDER -> m.labels().get("rendition").get() + " · " + m.metric("FPS").text() + " fps · " + m.metric("Decode").text();
            case TIME -> "lag " + m.metric("Latency").text() + " · A/V " + m.metric("A/V Δ").text();
        };
    }
}
