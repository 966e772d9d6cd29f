package dev.parley.media.hang;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One audio rendition in the catalog ({@code codec} is {@code opus} for Parley); {@code broadcast} is
 * where the track lives relative to the catalog's broadcast (null = the same one), {@code jitter} the
 * publisher's maximum send delay in milliseconds.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record AudioRendition(String codec, Container container, String description, Integer sampleRate,
                             Integer numberOfChannels, Long bitrate, Long jitter, String broadcast) {
    public static AudioRendition opus(int sampleRate, int channels, long bitrate) {
        return new AudioRendition("opus", Container.LEGACY, null, sampleRate, channels, bitrate, null, null);
    }

    /** This rendition declaring {@code jitterMillis} (a hang player assumes one packet, 20 ms for Opus, without it). */
    public AudioRendition withJitter(Long jitterMillis) {
        return new AudioRendition(codec, container, description, sampleRate, numberOfChannels, bitrate, jitterMillis, broadcast);
    }

    public String containerKind() {
        return container == null ? "legacy" : container.kind();
    }
}
