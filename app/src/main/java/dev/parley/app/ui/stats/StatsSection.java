package dev.parley.app.ui.stats;

/** The overlay sections, in display order. */
public enum StatsSection {
    NET, CAPTURE, RENDER, TIME
}
