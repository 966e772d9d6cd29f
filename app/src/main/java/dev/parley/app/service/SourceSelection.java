package dev.parley.app.service;

/**
 * The chosen capture sources. A camera or microphone may be a synthetic source
 * ({@link DeviceInfo#TEST_PATTERN}, {@link DeviceInfo#TEST_TONE}) or {@link DeviceInfo#OFF}.
 */
public record SourceSelection(DeviceInfo camera, DeviceInfo microphone, DeviceInfo screen) {
    public static SourceSelection testSources() {
        return new SourceSelection(DeviceInfo.TEST_PATTERN, DeviceInfo.TEST_TONE, DeviceInfo.OFF);
    }
}
