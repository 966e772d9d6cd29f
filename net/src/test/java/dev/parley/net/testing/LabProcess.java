package dev.parley.net.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * A real process started by {@link NetLab.Node#exec} (inside a network namespace). Every line it prints
 * on stdout and stderr is kept with the {@link System#nanoTime()} at which it was read, so a test can
 * wait for a line ("the first frame", "connected") with a bounded timeout and compute how long it took.
 *
 * <p>Threads: one virtual reader thread per stream, ending when the process closes it.
 */
public final class LabProcess implements AutoCloseable {
    /** Which of the process's streams a line came from. */
    public enum Source { OUT, ERR }

    /** One line the process printed, with the time it was read. */
    public record Line(Source source, long nanos, String text) {
        /** Milliseconds from {@code startNanos} (e.g. {@link #startNanos()}) to this line. */
        public double millisSince(long startNanos) {
            return (nanos - startNanos) / 1e6;
        }
    }

    private static final int MAX_LINES = 100_000;

    private final String name;
    private final Process process;
    private final long startNanos;
    private final OutputStream stdin;
    private final List<Line> lines = new ArrayList<>(); // guarded by itself
    private int dropped; // guarded by lines

    LabProcess(String name, Process process, long startNanos) {
        this.name = name;
        this.process = process;
        this.startNanos = startNanos;
        this.stdin = process.getOutputStream();
        reader(Source.OUT, process.getInputStream());
        reader(Source.ERR, process.getErrorStream());
    }

    private void reader(Source source, InputStream in) {
        Thread.ofVirtual().name("lab-" + name + "-" + source).start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String text;
                while ((text = r.readLine()) != null) {
                    Line line = new Line(source, System.nanoTime(), text);
                    synchronized (lines) {
                        if (lines.size() < MAX_LINES) {
                            lines.add(line);
                        } else {
                            dropped++;
                        }
                        lines.notifyAll();
                    }
                }
            } catch (IOException e) {
                // the process went away; what it printed so far stays readable
            } finally {
                synchronized (lines) {
                    lines.notifyAll();
                }
            }
        });
    }

    public String name() {
        return name;
    }

    /** {@link System#nanoTime()} just before the process was started. */
    public long startNanos() {
        return startNanos;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Every line so far, stdout and stderr interleaved in the order they were read. */
    public List<Line> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    /** The stdout lines so far, text only. */
    public List<String> stdout() {
        return lines().stream().filter(l -> l.source() == Source.OUT).map(Line::text).toList();
    }

    /**
     * Waits for the first line (from index {@code from} of {@link #lines()} on) that matches, at most
     * {@code timeout}. Fails with a {@link TimeoutException} naming the process and showing its last lines,
     * also when the process exits without printing one.
     */
    public Line await(int from, Predicate<Line> match, Duration timeout) throws TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lines) {
            int next = Math.max(0, from);
            while (true) {
                for (; next < lines.size(); next++) {
                    if (match.test(lines.get(next))) {
                        return lines.get(next);
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new TimeoutException(name + ": no matching line within " + timeout.toMillis() + " ms; " + tail());
                }
                if (!process.isAlive()) {
                    // Let the readers drain what the process printed before it exited.
                    lines.wait(Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, 200));
                    if (next == lines.size() && !process.isAlive()) {
                        throw new TimeoutException(name + " exited with " + process.exitValue()
                                + " before printing a matching line; " + tail());
                    }
                    continue;
                }
                lines.wait(Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, 100));
            }
        }
    }

    /** The first stdout line matching {@code match}, waiting at most {@code timeout}. */
    public Line awaitOut(Predicate<String> match, Duration timeout) throws TimeoutException, InterruptedException {
        return await(0, l -> l.source() == Source.OUT && match.test(l.text()), timeout);
    }

    /** The first stdout line read after {@code afterNanos} that matches, waiting at most {@code timeout}. */
    public Line awaitOutAfter(long afterNanos, Predicate<String> match, Duration timeout)
            throws TimeoutException, InterruptedException {
        return await(0, l -> l.source() == Source.OUT && l.nanos() > afterNanos && match.test(l.text()), timeout);
    }

    /** The first line on either stream containing {@code text}, waiting at most {@code timeout}. */
    public Line awaitContaining(String text, Duration timeout) throws TimeoutException, InterruptedException {
        return await(0, l -> l.text().contains(text), timeout);
    }

    /** Sends one line to the process's stdin. */
    public void writeLine(String line) throws IOException {
        stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
    }

    /** The last lines printed, for failure messages. */
    public String tail() {
        List<Line> all = lines();
        int from = Math.max(0, all.size() - 30);
        StringBuilder sb = new StringBuilder("last output of ").append(name).append(':');
        for (Line l : all.subList(from, all.size())) {
            sb.append("\n  ").append(l.source()).append(' ')
                    .append(String.format("%8.1f ms ", l.millisSince(startNanos))).append(l.text());
        }
        synchronized (lines) {
            if (dropped > 0) {
                sb.append("\n  (").append(dropped).append(" lines not kept)");
            }
        }
        return sb.toString();
    }

    /** Waits at most {@code timeout} for the process to exit by itself; its exit code, or -1 if it did not. */
    public int waitFor(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
    }

    /** SIGKILL (no goodbye on the wire), waiting at most 10 s for it to be gone. */
    public void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGTERM, then SIGKILL if it has not exited after {@code grace}. */
    public void stop(Duration grace) {
        process.destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                kill();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill();
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }

    @Override
    public String toString() {
        return "LabProcess[" + name + " pid " + process.pid() + "]";
    }
}
