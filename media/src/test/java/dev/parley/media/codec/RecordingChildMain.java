package dev.parley.media.codec;

import java.nio.file.Path;
import java.util.List;

/**
 * A recording process for the SIGKILL test: records synthetic media at about five times real time,
 * printing {@code t=<seconds of media written>} after every video frame, and never finishes on its own
 * within the test's time (it is meant to be killed).
 */
public final class RecordingChildMain {
    private RecordingChildMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        List<RecordingMedia.Unit> media = RecordingMedia.make(20);
        Mp4Recorder recorder = new Mp4Recorder(Path.of(args[0]), 1);
        for (RecordingMedia.Unit u : media) {
            RecordingMedia.feed(recorder, u);
            if (u instanceof RecordingMedia.Video v) {
                System.out.println("t=" + (v.micros() - RecordingMedia.ORIGIN_MICROS) / 1e6);
                System.out.flush();
                Thread.sleep(6); // ~5x real time: 33 ms of media every ~7 ms
            }
        }
        Thread.sleep(60_000); // still "recording": only a kill ends it
        recorder.close();
    }
}
