package dev.parley.app.ui.stats;

import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.paint.Color;

/** A small line chart of a metric's recent samples, coloured by its level. */
public final class Sparkline extends Canvas {
    static final int POINTS = 100;
    private static final Color GOOD = Color.web("#3ddc84");
    private static final Color WARN = Color.web("#f4c542");
    private static final Color BAD = Color.web("#ff5f56");
    private static final Color PLAIN = Color.web("#7fb3ff");

    public Sparkline() {
        super(100, 14);
        getStyleClass().add("sparkline");
    }

    /** Redraws from the metric's newest {@value #POINTS} samples. */
    public void draw(Metric m) {
        GraphicsContext g = getGraphicsContext2D();
        double w = getWidth();
        double h = getHeight();
        g.clearRect(0, 0, w, h);
        g.setFill(Color.rgb(255, 255, 255, 0.06));
        g.fillRect(0, 0, w, h);
        int n = Math.min(POINTS, m.size());
        if (n < 2) {
            return;
        }
        int first = m.size() - n;
        double min = Double.MAX_VALUE;
        double max = -Double.MAX_VALUE;
        for (int i = 0; i < n; i++) {
            double v = m.sample(first + i);
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        min = Math.min(min, 0);
        double range = max - min < 1e-9 ? 1 : max - min;
        g.setStroke(switch (m.level()) {
            case GOOD -> GOOD;
            case WARN -> WARN;
            case BAD -> BAD;
            case NONE -> PLAIN;
        });
        g.setLineWidth(1.2);
        g.beginPath();
        for (int i = 0; i < n; i++) {
            double x = w * i / (POINTS - 1);
            double y = h - 1 - (h - 2) * (m.sample(first + i) - min) / range;
            if (i == 0) {
                g.moveTo(x, y);
            } else {
                g.lineTo(x, y);
            }
        }
        g.stroke();
    }
}
