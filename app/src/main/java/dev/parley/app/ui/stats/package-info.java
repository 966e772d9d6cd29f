/**
 * The per-tile debug stats overlay: {@link dev.parley.app.ui.stats.Metric} (moving average plus a
 * 300-sample history with green, yellow and red {@link dev.parley.app.ui.stats.Thresholds}), the
 * {@link dev.parley.app.ui.stats.StatsViewModel} with the NET, CAPTURE, RENDER and TIME sections and
 * the rendition selector, and the overlay view with sparklines.
 */
package dev.parley.app.ui.stats;
