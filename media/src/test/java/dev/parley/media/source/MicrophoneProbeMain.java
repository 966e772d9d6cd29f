package dev.parley.media.source;

import dev.parley.media.playout.AudioSink;
import dev.parley.media.playout.SpeakerSink;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Run in a child JVM whose ALSA default device reads a raw file (see MicrophoneCaptureTest):
 * lists microphones, captures 1 s from the first and prints its zero-crossing frequency, then
 * plays it to the default speaker.
 */
public final class MicrophoneProbeMain {
    private MicrophoneProbeMain() {
    }

    public static void main(String[] args) throws Exception {
        System.out.println("mics=" + Devices.list(DeviceKind.MICROPHONE).size());
        System.out.println("speakers=" + Devices.list(DeviceKind.SPEAKER).size());
        MicrophoneSource mic = MicrophoneSource.open("0");
        short[] all = new short[48_000];
        int[] filled = {0};
        CountDownLatch done = new CountDownLatch(1);
        try (var sub = mic.subscribe(b -> {
            int n = Math.min(b.samples().length, all.length - filled[0]);
            System.arraycopy(b.samples(), 0, all, filled[0], n);
            filled[0] += n;
            if (filled[0] == all.length) {
                done.countDown();
            }
        })) {
            if (!done.await(10, TimeUnit.SECONDS)) {
                System.out.println("error=" + mic.lastError());
                System.exit(2);
            }
        }
        int crossings = 0;
        for (int i = 1; i < all.length; i++) {
            if ((all[i - 1] < 0) != (all[i] < 0)) {
                crossings++;
            }
        }
        System.out.println("frequency=" + crossings / 2.0);
        try (AudioSink speaker = SpeakerSink.open()) {
            speaker.write(all);
            System.out.println("played=" + speaker.name());
        }
        mic.close();
        System.exit(0);
    }
}
