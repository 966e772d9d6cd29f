package dev.parley.app.service;

import java.util.List;

/**
 * One person in a room as the UI sees them, local or remote. Thread-safe: the UI polls the level and
 * frames on every pulse.
 */
public interface Participant {
    /** Stable id within the room (the endpoint id in hex for remote peers). */
    String id();

    String displayName();

    boolean isLocal();

    VideoFeed video();

    StatsSource stats();

    /**
     * Smoothed loudness, 0..1 on a decibel scale (0 = −60 dBFS RMS or quieter, 1 = full scale), as
     * heard: the microphone before encoding for ourselves, the played-out audio for a peer; 0 when
     * muted. Cheap; called on every UI pulse.
     */
    double audioLevel();

    /** Renditions this participant publishes, smallest first; empty when unknown or local. */
    default List<String> renditions() {
        return List.of();
    }

    /** True while this participant's media comes through the room's moq relay (relay and hybrid rooms). */
    default boolean viaRelay() {
        return false;
    }

    /** Pins a rendition by name, or {@code "auto"} to adapt. Ignored for local participants. */
    default void chooseRendition(String rendition) {}
}
