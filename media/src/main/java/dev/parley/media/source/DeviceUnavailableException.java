package dev.parley.media.source;

import dev.parley.media.MediaException;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A requested device is missing, busy or failed to open. The message names what was asked for,
 * why it failed and every device of that kind that is available, so users can pick another.
 */
public final class DeviceUnavailableException extends MediaException {
    private final DeviceKind kind;
    private final String requested;
    private final String reason;
    private final List<DeviceInfo> available;

    public DeviceUnavailableException(DeviceKind kind, String requested, String reason, List<DeviceInfo> available,
                                      Throwable cause) {
        super(message(kind, requested, reason, available), cause);
        this.kind = kind;
        this.requested = requested;
        this.reason = reason;
        this.available = List.copyOf(available);
    }

    private static String message(DeviceKind kind, String requested, String reason, List<DeviceInfo> available) {
        String list = available.isEmpty()
                ? "no " + kind.name().toLowerCase() + " devices are available on this machine"
                : "available: " + available.stream().map(DeviceInfo::toString).collect(Collectors.joining("; "));
        return kind.name().toLowerCase() + " '" + requested + "' is not available (" + reason + "); " + list;
    }

    public DeviceKind kind() {
        return kind;
    }

    public String requested() {
        return requested;
    }

    /** Why it failed, without the device list (e.g. "device busy: ..."). */
    public String reason() {
        return reason;
    }

    public List<DeviceInfo> available() {
        return available;
    }
}
