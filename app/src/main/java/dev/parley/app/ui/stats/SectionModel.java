package dev.parley.app.ui.stats;

import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;

/** One overlay section: text labels and metrics, shown once the stats source has reported it. */
public final class SectionModel {
    private final StatsSection section;
    private final SequencedMap<String, ReadOnlyStringWrapper> labels = new LinkedHashMap<>();
    private final List<Metric> metrics;
    private final ReadOnlyBooleanWrapper present = new ReadOnlyBooleanWrapper(false);

    SectionModel(StatsSection section, List<String> labelNames, List<Metric> metrics) {
        this.section = section;
        labelNames.forEach(n -> labels.put(n, new ReadOnlyStringWrapper("")));
        this.metrics = List.copyOf(metrics);
    }

    public StatsSection section() {
        return section;
    }

    public ReadOnlyBooleanProperty presentProperty() {
        return present.getReadOnlyProperty();
    }

    /** Label name to value, in display order. */
    public Map<String, ReadOnlyStringProperty> labels() {
        Map<String, ReadOnlyStringProperty> view = new LinkedHashMap<>();
        labels.forEach((k, v) -> view.put(k, v.getReadOnlyProperty()));
        return view;
    }

    public List<Metric> metrics() {
        return metrics;
    }

    /** The metric with this label. */
    public Metric metric(String label) {
        return metrics.stream().filter(m -> m.label().equals(label)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no metric " + label + " in " + section));
    }

    void setLabel(String name, String value) {
        labels.get(name).set(value == null ? "" : value);
    }

    void markPresent() {
        present.set(true);
    }
}
