package dev.parley.app.service;

import java.util.List;

/** The real devices found on this machine (no synthetic entries); any list may be empty. */
public record DeviceList(List<DeviceChoice> cameras, List<DeviceChoice> microphones, List<DeviceChoice> screens) {
    public DeviceList {
        cameras = List.copyOf(cameras);
        microphones = List.copyOf(microphones);
        screens = List.copyOf(screens);
    }

    public static DeviceList empty() {
        return new DeviceList(List.of(), List.of(), List.of());
    }
}
