package dev.parley.media.source;

import java.util.Locale;

/**
 * A capture or playout device was replaced during a call: chosen by the user ({@code reason} null) or
 * because the one in use failed, e.g. was unplugged ({@code reason} says why; {@code to} is the next
 * device or the test source).
 */
public record DeviceChange(DeviceKind kind, String from, String to, String reason) {
    /** True when the device failed and this is the fallback. */
    public boolean fallback() {
        return reason != null;
    }

    /** One line for a notification: "Microphone "X" stopped (line closed); now using "Y"." */
    public String message() {
        String what = kind.name().charAt(0) + kind.name().substring(1).toLowerCase(Locale.ROOT);
        return fallback()
                ? what + " \"" + from + "\" stopped (" + reason + "); now using \"" + to + "\"."
                : what + ": now using \"" + to + "\".";
    }
}
