package dev.parley.media.source;

/** What a device captures (or, for {@code SPEAKER}, plays). */
public enum DeviceKind {
    CAMERA, MICROPHONE, SCREEN, SPEAKER
}
