package dev.parley.media.voice;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Real synthesised speech from espeak-ng, resampled to 48 kHz mono; tests skip (with the reason) without it. */
final class Speech {
    private Speech() {
    }

    /** {@code text} spoken by espeak-ng {@code voice} at {@code pitch}, as 48 kHz floats in −1..1. */
    static float[] say(String voice, int pitch, String text) throws IOException, InterruptedException {
        Path wav = Files.createTempFile("parley-speech", ".wav");
        try {
            Process p;
            try {
                p = new ProcessBuilder("espeak-ng", "-v", voice, "-p", String.valueOf(pitch), "-w", wav.toString(), text)
                        .redirectErrorStream(true).start();
            } catch (IOException e) {
                Assumptions.abort("espeak-ng is not installed (apt package espeak-ng): " + e.getMessage());
                throw e;
            }
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("espeak-ng did not finish in 20 s");
            }
            if (p.exitValue() != 0) {
                Assumptions.abort("espeak-ng failed: " + new String(p.getInputStream().readAllBytes()));
            }
            return resample(readWav(Files.readAllBytes(wav)), 48_000);
        } finally {
            Files.deleteIfExists(wav);
        }
    }

    private record Pcm(float[] samples, int rate) {
    }

    private static Pcm readWav(byte[] b) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int rate = 0;
        int pos = 12;
        while (pos + 8 <= b.length) {
            String id = new String(b, pos, 4, java.nio.charset.StandardCharsets.US_ASCII);
            int size = buf.getInt(pos + 4);
            if (id.equals("fmt ")) {
                if (buf.getShort(pos + 8) != 1 || buf.getShort(pos + 10) != 1 || buf.getShort(pos + 22) != 16) {
                    throw new IOException("expected 16-bit mono PCM");
                }
                rate = buf.getInt(pos + 12);
            } else if (id.equals("data")) {
                int n = Math.min(size < 0 ? Integer.MAX_VALUE : size, b.length - pos - 8) / 2;
                float[] s = new float[n];
                for (int i = 0; i < n; i++) {
                    s[i] = buf.getShort(pos + 8 + 2 * i) / 32768f;
                }
                return new Pcm(s, rate);
            }
            pos += 8 + size + (size & 1);
        }
        throw new IOException("no data chunk");
    }

    private static float[] resample(Pcm in, int rate) {
        int n = (int) ((long) in.samples().length * rate / in.rate());
        float[] out = new float[n];
        double step = (double) in.rate() / rate;
        for (int i = 0; i < n; i++) {
            double x = i * step;
            int j = (int) x;
            double f = x - j;
            float a = in.samples()[Math.min(j, in.samples().length - 1)];
            float c = in.samples()[Math.min(j + 1, in.samples().length - 1)];
            out[i] = (float) (a + (c - a) * f);
        }
        return out;
    }
}
