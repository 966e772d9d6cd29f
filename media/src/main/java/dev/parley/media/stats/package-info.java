/**
 * Typed per-stage statistics (capture, encode, decode, render, audio playout) as immutable
 * snapshots, plus the small windowed meter the stages use to compute rates.
 */
package dev.parley.media.stats;
