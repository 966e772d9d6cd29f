package dev.parley.app.settings;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * What the app remembers between runs. Device fields hold device ids ({@code null}: the default
 * choice); window sizes are in logical pixels.
 *
 * @param displayName      the name others see
 * @param camera           chosen camera id
 * @param microphone       chosen microphone id
 * @param screen           chosen screen id for sharing
 * @param windowWidth      last window width
 * @param windowHeight     last window height
 * @param lastRoom         ticket of the last room joined or created
 * @param pictureInPicture self view as a small picture-in-picture instead of a grid tile
 * @param echoCancellation echo cancellation, noise suppression and gain control on the microphone
 *                         (absent in older files: on)
 * @param homeRelay        the home relay URL ({@code http(s)://host:port/}) calls use when no direct path
 *                         works, or {@code null} for none
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Settings(String displayName, String camera, String microphone, String screen,
                       double windowWidth, double windowHeight, String lastRoom, boolean pictureInPicture,
                       Boolean echoCancellation, String homeRelay) {
    public static final double DEFAULT_WIDTH = 1280;
    public static final double DEFAULT_HEIGHT = 800;
    static final double MIN_WIDTH = 640;
    static final double MIN_HEIGHT = 480;

    public Settings {
        displayName = displayName == null ? "" : displayName.strip();
        echoCancellation = echoCancellation == null || echoCancellation;
        homeRelay = homeRelay == null || homeRelay.isBlank() ? null : homeRelay.strip();
        // A corrupt or hand-edited size must not open an unusable window.
        windowWidth = sane(windowWidth, MIN_WIDTH, DEFAULT_WIDTH);
        windowHeight = sane(windowHeight, MIN_HEIGHT, DEFAULT_HEIGHT);
    }

    public static Settings defaults() {
        return new Settings("", null, null, null, DEFAULT_WIDTH, DEFAULT_HEIGHT, null, false, true, null);
    }

    public Settings withDisplayName(String name) {
        return new Settings(name, camera, microphone, screen, windowWidth, windowHeight, lastRoom, pictureInPicture, echoCancellation, homeRelay);
    }

    public Settings withDevices(String camera, String microphone, String screen) {
        return new Settings(displayName, camera, microphone, screen, windowWidth, windowHeight, lastRoom, pictureInPicture, echoCancellation, homeRelay);
    }

    public Settings withWindowSize(double width, double height) {
        return new Settings(displayName, camera, microphone, screen, width, height, lastRoom, pictureInPicture, echoCancellation, homeRelay);
    }

    public Settings withLastRoom(String ticket) {
        return new Settings(displayName, camera, microphone, screen, windowWidth, windowHeight, ticket, pictureInPicture, echoCancellation, homeRelay);
    }

    public Settings withPictureInPicture(boolean pip) {
        return new Settings(displayName, camera, microphone, screen, windowWidth, windowHeight, lastRoom, pip, echoCancellation, homeRelay);
    }

    public Settings withEchoCancellation(boolean on) {
        return new Settings(displayName, camera, microphone, screen, windowWidth, windowHeight, lastRoom, pictureInPicture, on, homeRelay);
    }

    /** The home relay for the next calls; a blank one means none. */
    public Settings withHomeRelay(String url) {
        return new Settings(displayName, camera, microphone, screen, windowWidth, windowHeight, lastRoom, pictureInPicture,
                echoCancellation, url);
    }

    /** Whether the microphone is processed (echo cancellation, noise suppression, gain control). */
    public boolean echoCancellationOn() {
        return echoCancellation;
    }

    private static double sane(double value, double min, double fallback) {
        if (Double.isNaN(value) || value <= 0) {
            return fallback;
        }
        return Math.min(Math.max(value, min), 16384);
    }
}
