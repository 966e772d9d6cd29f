package dev.parley.app.service;

import dev.parley.net.transport.PathStats;

import java.time.Duration;

/**
 * One sample of a tile's statistics for the debug overlay. Sections a tile does not have are
 * {@code null} (a remote tile has no capture, the local tile no decoder).
 */
public record StatsSnapshot(Net net, Capture capture, Render render, Time time) {

    public static StatsSnapshot empty() {
        return new StatsSnapshot(null, null, null, null);
    }

    /**
     * Network path of the session carrying this tile.
     *
     * @param relayed   true when traffic goes through a relay
     * @param remote    remote socket address as text
     * @param rttMs     smoothed round-trip time, ms
     * @param lossPct   packets lost over the last interval, percent
     * @param downMbps  receive rate, Mbit/s
     * @param upMbps    send rate, Mbit/s
     */
    public record Net(boolean relayed, String remote, double rttMs, double lossPct, double downMbps, double upMbps) {
        /** Rates and loss between two samples of the same connection. */
        public static Net between(PathStats earlier, PathStats later) {
            double seconds = Math.max(1e-3, Duration.between(earlier.at(), later.at()).toNanos() / 1e9);
            double down = (later.bytesReceived() - earlier.bytesReceived()) * 8 / seconds / 1e6;
            double up = (later.bytesSent() - earlier.bytesSent()) * 8 / seconds / 1e6;
            return new Net(later.relayed(), String.valueOf(later.remote()).replaceFirst("^/", ""),
                    later.rtt().toNanos() / 1e6, later.lossRateSince(earlier) * 100,
                    Math.max(0, down), Math.max(0, up));
        }
    }

    /**
     * The local capture and encode pipeline.
     *
     * @param source      capture source name (device or "test pattern")
     * @param codec       codec string, such as {@code avc1.64001f}
     * @param encoder     encoder name, such as {@code libx264}
     * @param resolution  encoded size, such as {@code 1280x720}
     * @param fps         frames encoded per second
     * @param encodeMs    mean encode time per frame, ms
     * @param bitrateKbps encoded bit rate, kbit/s
     * @param voice       the microphone's echo cancellation: on/off/unavailable and its echo reduction estimate
     */
    public record Capture(String source, String codec, String encoder, String resolution, double fps,
                          double encodeMs, double bitrateKbps, String voice) {
        public Capture(String source, String codec, String encoder, String resolution, double fps,
                       double encodeMs, double bitrateKbps) {
            this(source, codec, encoder, resolution, fps, encodeMs, bitrateKbps, "");
        }

        /** The same with the voice processing line set. */
        public Capture withVoice(String text) {
            return new Capture(source, codec, encoder, resolution, fps, encodeMs, bitrateKbps, text);
        }
    }

    /**
     * The decode side of a remote tile.
     *
     * @param decoder   decoder name
     * @param rendition rendition being received, such as {@code 360p}
     * @param fps       frames decoded per second
     * @param decodeMs  mean decode time per frame, ms
     */
    public record Render(String decoder, String rendition, double fps, double decodeMs) {}

    /**
     * Timing.
     *
     * @param latencyMs     capture to render latency, ms
     * @param avOffsetMs    video minus audio presentation offset, ms (positive: video late)
     * @param audioBufferMs audio jitter buffer fill, ms
     * @param audioTargetMs the jitter buffer's adaptive target, ms (NaN when unknown)
     */
    public record Time(double latencyMs, double avOffsetMs, double audioBufferMs, double audioTargetMs) {
        public Time(double latencyMs, double avOffsetMs, double audioBufferMs) {
            this(latencyMs, avOffsetMs, audioBufferMs, Double.NaN);
        }
    }
}
