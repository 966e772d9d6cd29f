package dev.parley.media.hang;

import dev.parley.media.MediaException;

/** Reads what a raw Opus packet says about itself in its TOC byte (RFC 6716 §3.1). */
public final class OpusPacket {
    private OpusPacket() {
    }

    /** The audio duration of a packet in microseconds: frame size × frame count. */
    public static long durationMicros(byte[] packet) {
        if (packet.length == 0) {
            throw new MediaException("empty Opus packet");
        }
        int toc = packet[0] & 0xff;
        int config = toc >> 3;
        long frameMicros;
        if (config < 12) { // SILK: 10, 20, 40, 60 ms
            frameMicros = new long[]{10_000, 20_000, 40_000, 60_000}[config & 3];
        } else if (config < 16) { // hybrid: 10, 20 ms
            frameMicros = (config & 1) == 0 ? 10_000 : 20_000;
        } else { // CELT: 2.5, 5, 10, 20 ms
            frameMicros = new long[]{2_500, 5_000, 10_000, 20_000}[config & 3];
        }
        int frames = switch (toc & 3) {
            case 0 -> 1;
            case 1, 2 -> 2;
            default -> {
                if (packet.length < 2) {
                    throw new MediaException("Opus code-3 packet without a frame count");
                }
                yield packet[1] & 0x3f;
            }
        };
        return frameMicros * frames;
    }
}
