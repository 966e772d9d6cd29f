package dev.parley.media.voice;

/**
 * What the voice processing reports for the overlay.
 *
 * @param active      whether the microphone goes through the echo canceller now
 * @param reductionDb how much quieter the microphone leaves the canceller than it came in while the far end
 *                    played (an ERLE estimate; double talk lowers it), dB; NaN until the far end has played
 * @param unavailable why processing cannot run (the native library did not load), or null
 */
public record EchoStats(boolean active, double reductionDb, String unavailable) {
    public static final EchoStats OFF = new EchoStats(false, Double.NaN, null);
}
