package dev.parley.app.ui.stats;

/** Traffic-light rating of a metric value. */
public enum Level {
    NONE, GOOD, WARN, BAD
}
