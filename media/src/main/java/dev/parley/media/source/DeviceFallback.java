package dev.parley.media.source;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Which device replaces one that failed mid-call: the first listed one that has not failed in this call. */
public final class DeviceFallback {
    private DeviceFallback() {
    }

    /**
     * @param available the devices listed now, in their list order
     * @param failed    names of the devices that failed during this call (the one that just failed included)
     * @return the device to try next, or empty for the test source
     */
    public static Optional<DeviceInfo> next(List<DeviceInfo> available, Set<String> failed) {
        return available.stream().filter(d -> !failed.contains(d.name())).findFirst();
    }
}
