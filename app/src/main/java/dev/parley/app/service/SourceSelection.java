package dev.parley.app.service;

/**
 * The chosen capture sources. A camera or microphone may be a synthetic source
 * ({@link DeviceChoice#TEST_PATTERN}, {@link DeviceChoice#TEST_TONE}) or {@link DeviceChoice#OFF}.
 */
public record SourceSelection(DeviceChoice camera, DeviceChoice microphone, DeviceChoice screen) {
    public static SourceSelection testSources() {
        return new SourceSelection(DeviceChoice.TEST_PATTERN, DeviceChoice.TEST_TONE, DeviceChoice.OFF);
    }
}
