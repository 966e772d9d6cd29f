/**
 * Adaptive rendition switching from signals of the media direction: the receiving side's frame
 * arrivals (queueing delay against the publisher's timestamps, its level and its growth, skipped groups,
 * whether anything at all arrives while the watcher's own ticks run on time, and the shown rendition's group
 * starts: when its next keyframe is due), the connection's
 * receive rate and the publisher's PROBE estimate arrive as {@link dev.parley.media.adapt.LinkSample}s
 * and {@link dev.parley.media.adapt.ArrivalWindow} summaries, become one
 * {@link dev.parley.media.adapt.NetworkSignals} per tick, and a clock-injected controller (fast down,
 * probing up) tells the watcher which rendition to decode. The publisher's side has its own pure
 * decision, {@link dev.parley.media.adapt.UplinkGovernor}. Pure logic; the callers run it on their timers.
 */
package dev.parley.media.adapt;
