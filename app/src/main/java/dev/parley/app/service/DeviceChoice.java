package dev.parley.app.service;

/**
 * A capture source as shown in the pickers.
 *
 * @param id        stable id the media module understands (kept in the settings)
 * @param label     human-readable name
 * @param synthetic true for the generated sources (test pattern, test tone) and for "off"
 */
public record DeviceChoice(String id, String label, boolean synthetic) {
    public static final DeviceChoice TEST_PATTERN = new DeviceChoice("test:pattern", "Test pattern", true);
    public static final DeviceChoice TEST_TONE = new DeviceChoice("test:tone", "Test tone", true);
    public static final DeviceChoice OFF = new DeviceChoice("off", "Off", true);
    /** The system's default output (the speaker picker's first entry). */
    public static final DeviceChoice DEFAULT_SPEAKER = new DeviceChoice("speaker:default", "System default", true);

    @Override
    public String toString() {
        return label;
    }
}
