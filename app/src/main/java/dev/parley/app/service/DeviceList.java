package dev.parley.app.service;

import java.util.List;

/** The real devices found on this machine (no synthetic entries); any list may be empty. */
public record DeviceList(List<DeviceChoice> cameras, List<DeviceChoice> microphones, List<DeviceChoice> screens,
                         List<DeviceChoice> speakers) {
    public DeviceList {
        cameras = List.copyOf(cameras);
        microphones = List.copyOf(microphones);
        screens = List.copyOf(screens);
        speakers = List.copyOf(speakers);
    }

    /** Without outputs (the start screen does not pick one). */
    public DeviceList(List<DeviceChoice> cameras, List<DeviceChoice> microphones, List<DeviceChoice> screens) {
        this(cameras, microphones, screens, List.of());
    }

    public static DeviceList empty() {
        return new DeviceList(List.of(), List.of(), List.of(), List.of());
    }
}
