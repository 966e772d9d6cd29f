/**
 * Adaptive rendition switching: network signals derived from transport path statistics and a
 * clock-injected controller (fast down, slow probing up) that tells the watcher which rendition to
 * decode. Pure logic; the watcher runs it on its own timer.
 */
package dev.parley.media.adapt;
