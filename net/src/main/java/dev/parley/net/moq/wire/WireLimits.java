package dev.parley.net.moq.wire;

/**
 * Size limits a decoder enforces before it buffers anything, so a peer cannot make it allocate more
 * than this per stream.
 *
 * @param maxMessageSize largest length-prefixed message body in bytes
 * @param maxFrameSize   largest group frame payload in bytes
 * @param maxHops        largest announce hop count (lite-03 sends a count, the decoders bound it)
 */
public record WireLimits(int maxMessageSize, int maxFrameSize, int maxHops) {

    /** 64 KiB messages, 8 MiB frames, 256 hops. */
    public static final WireLimits DEFAULT = new WireLimits(64 * 1024, 8 * 1024 * 1024, 256);

    public WireLimits {
        if (maxMessageSize < 16 || maxFrameSize < 1 || maxHops < 0) {
            throw new IllegalArgumentException("limits too small: " + maxMessageSize + "/" + maxFrameSize + "/" + maxHops);
        }
    }

    public WireLimits withMaxFrameSize(int bytes) {
        return new WireLimits(maxMessageSize, bytes, maxHops);
    }

    public WireLimits withMaxMessageSize(int bytes) {
        return new WireLimits(bytes, maxFrameSize, maxHops);
    }
}
