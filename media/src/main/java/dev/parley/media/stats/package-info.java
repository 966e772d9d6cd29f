/**
 * Typed per-stage statistics (capture, encode, decode, render, audio playout) as immutable
 * snapshots, the small windowed meter the stages use to compute rates, and the audio level meter
 * (RMS and peak in dBFS) fed on the audio threads and read by the UI.
 */
package dev.parley.media.stats;
