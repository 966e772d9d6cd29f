package dev.parley.rooms.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A peer in a separate JVM, so a test can kill it for real (SIGKILL: no goodbye, no CONNECTION_CLOSE)
 * and watch the others notice through QUIC's idle timeout.
 */
public final class ChildProcess implements AutoCloseable {
    private final Process process;
    private final CompletableFuture<String> ready = new CompletableFuture<>();
    private final List<String> lines = new ArrayList<>();

    private ChildProcess(Process process) {
        this.process = process;
        Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (lines) {
                        lines.add(line);
                    }
                    if (line.startsWith("READY ")) {
                        ready.complete(line.substring(6));
                    }
                }
            } catch (IOException e) {
                ready.completeExceptionally(e);
            }
            ready.completeExceptionally(new IllegalStateException("child exited before READY: " + lines));
        });
    }

    /** Starts {@code mainClass} with this JVM's classpath; it must print {@code READY <payload>} when up. */
    public static ChildProcess start(Class<?> mainClass, String... args) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = new ArrayList<>(List.of(java.toString(), "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow", "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                mainClass.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        return new ChildProcess(pb.start());
    }

    /** Waits for the child's READY line and returns what followed it. */
    public String awaitReady(long seconds) throws Exception {
        return ready.get(seconds, TimeUnit.SECONDS);
    }

    /** SIGKILL: the peer vanishes without a word. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    public List<String> output() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
