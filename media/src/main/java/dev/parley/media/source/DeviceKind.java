package dev.parley.media.source;

/** What a capture device captures. */
public enum DeviceKind {
    CAMERA, MICROPHONE, SCREEN
}
