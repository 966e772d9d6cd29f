package dev.parley.media.source;

/**
 * A capture device as shown to users.
 *
 * @param kind    camera, microphone or screen
 * @param index   position in its kind's list (what "choose by index" means)
 * @param name    human-readable name, e.g. "Integrated Camera"
 * @param id      what the backend opens, e.g. {@code /dev/video0}, {@code :0.0}, a mixer name,
 *                {@code webcam:<webcam-capture name>}
 * @param backend FFmpeg input format ({@code video4linux2}, {@code x11grab}, …), {@code webcam-capture}
 *                for cameras only that library lists, or {@code javasound}
 */
public record DeviceInfo(DeviceKind kind, int index, String name, String id, String backend) {
    @Override
    public String toString() {
        return "#" + index + " " + name + " (" + id + ", " + backend + ")";
    }
}
