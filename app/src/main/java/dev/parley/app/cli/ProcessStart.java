package dev.parley.app.cli;

/**
 * When {@code main} began, so startup timelines (the watch's {@code dialing} event) can split the JVM's
 * boot from Parley's own work.
 */
public final class ProcessStart {
    private static volatile long mainNanos;

    private ProcessStart() {}

    /** Called first thing in {@code main}. */
    public static void markMain() {
        mainNanos = System.nanoTime();
    }

    /** {@link System#nanoTime()} when {@code main} began; 0 when the process did not start through it. */
    public static long mainNanos() {
        return mainNanos;
    }
}
