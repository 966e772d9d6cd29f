package dev.parley.app.ui.stats;

import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.VBox;

import java.util.ArrayList;
import java.util.List;

/**
 * The debug overlay of one tile: a block per section that has data, with text labels and metric rows
 * ({@code label value unit}, coloured by threshold, plus a sparkline), and the rendition selector for
 * remote tiles. Redraws once per stats sample, and only while visible.
 */
public final class StatsOverlayView extends VBox {
    private final StatsViewModel vm;
    private final List<Runnable> refreshers = new ArrayList<>();

    public StatsOverlayView(StatsViewModel vm, boolean showRenditionSelector) {
        this.vm = vm;
        getStyleClass().add("stats-overlay");
        setSpacing(4);
        setMaxWidth(USE_PREF_SIZE);
        setMaxHeight(USE_PREF_SIZE);
        for (StatsSection s : StatsSection.values()) {
            getChildren().add(section(vm.section(s), showRenditionSelector && s == StatsSection.RENDER));
        }
        vm.revisionProperty().addListener((obs, old, now) -> {
            if (isVisible()) {
                refresh();
            }
        });
        visibleProperty().addListener((obs, old, now) -> {
            if (now) {
                refresh();
            }
        });
    }

    private VBox section(SectionModel model, boolean withSelector) {
        Label title = new Label(model.section().name());
        title.getStyleClass().add("stats-title");
        Label summary = new Label();
        summary.getStyleClass().add("stats-summary");
        GridPane rows = new GridPane();
        rows.getStyleClass().add("stats-rows");
        rows.setHgap(8);
        int r = 0;
        for (var entry : model.labels().entrySet()) {
            Label key = key(entry.getKey());
            Label value = new Label();
            value.getStyleClass().add("stats-value");
            value.textProperty().bind(entry.getValue());
            rows.addRow(r++, key, value);
            GridPane.setColumnSpan(value, 2);
        }
        for (Metric m : model.metrics()) {
            Label key = key(m.label());
            Label value = new Label("-");
            value.getStyleClass().add("stats-value");
            value.setId(idFor(model.section(), m));
            Sparkline spark = new Sparkline();
            rows.addRow(r++, key, value, spark);
            refreshers.add(() -> {
                value.setText(m.text());
                value.getStyleClass().removeAll("good", "warn", "bad");
                switch (m.level()) {
                    case GOOD -> value.getStyleClass().add("good");
                    case WARN -> value.getStyleClass().add("warn");
                    case BAD -> value.getStyleClass().add("bad");
                    case NONE -> { }
                }
                spark.draw(m);
            });
        }
        refreshers.add(() -> summary.setText(vm.summary(model.section())));
        VBox box = new VBox(2, new javafx.scene.layout.HBox(8, title, summary), rows);
        if (withSelector) {
            ComboBox<String> rendition = new ComboBox<>(vm.renditionChoices());
            rendition.getStyleClass().add("rendition-selector");
            rendition.valueProperty().bindBidirectional(vm.renditionProperty());
            box.getChildren().add(new javafx.scene.layout.HBox(8, key("rendition"), rendition));
        }
        box.getStyleClass().add("stats-section");
        box.visibleProperty().bind(model.presentProperty());
        box.managedProperty().bind(box.visibleProperty());
        return box;
    }

    /** CSS id of a metric's value label, e.g. {@code stat-net-rtt}. */
    public static String idFor(StatsSection s, Metric m) {
        return "stat-" + s.name().toLowerCase(java.util.Locale.ROOT) + "-"
                + m.label().toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "");
    }

    private static Label key(String text) {
        Label l = new Label(text);
        l.getStyleClass().add("stats-key");
        return l;
    }

    private void refresh() {
        refreshers.forEach(Runnable::run);
    }
}
