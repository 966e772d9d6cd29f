package dev.parley.app.service;

/**
 * A capture source as shown in the pickers.
 *
 * @param id        stable id the media module understands (kept in the settings)
 * @param label     human-readable name
 * @param synthetic true for the generated sources (test pattern, test tone) and for "off"
 */
public record DeviceInfo(String id, String label, boolean synthetic) {
    public static final DeviceInfo TEST_PATTERN = new DeviceInfo("test:pattern", "Test pattern", true);
    public static final DeviceInfo TEST_TONE = new DeviceInfo("test:tone", "Test tone", true);
    public static final DeviceInfo OFF = new DeviceInfo("off", "Off", true);

    @Override
    public String toString() {
        return label;
    }
}
