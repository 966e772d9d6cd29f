package dev.parley.net.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Runs Parley's Node interop scripts ({@code net/src/test/js}) against the real {@code @moq/lite} npm
 * client. {@link #available()} installs the pinned packages once per JVM with {@code npm ci} into
 * {@code net/target/interop-js}; it returns empty (after printing why) when Node 20+ or npm is missing
 * or the install fails, so callers can skip with that reason.
 */
public final class NodeInterop {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(4);
    private static Optional<NodeInterop> instance;
    private static String unavailableReason = "";

    private final Path dir;

    private NodeInterop(Path dir) {
        this.dir = dir;
    }

    /** The installed harness, or empty with {@link #unavailableReason()} printed and set. */
    public static synchronized Optional<NodeInterop> available() {
        if (instance == null) {
            instance = install();
            if (instance.isEmpty()) {
                System.out.println("[node-interop] skipped: " + unavailableReason);
            }
        }
        return instance;
    }

    public static synchronized String unavailableReason() {
        return unavailableReason;
    }

    private static Optional<NodeInterop> install() {
        Optional<Path> sources = findSources();
        if (sources.isEmpty()) {
            unavailableReason = "interop scripts (net/src/test/js) not found from " + Path.of("").toAbsolutePath();
            return Optional.empty();
        }
        try {
            String version = capture(List.of("node", "--version"), Path.of("."));
            int major = Integer.parseInt(version.trim().replaceFirst("^v", "").split("\\.")[0]);
            if (major < 20) {
                unavailableReason = "node " + version.trim() + " is older than 20";
                return Optional.empty();
            }
        } catch (IOException | RuntimeException e) {
            unavailableReason = "node is not installed (" + e.getMessage() + ")";
            return Optional.empty();
        }
        Path src = sources.get();
        Path target = src.getParent().getParent().getParent().resolve("target").resolve("interop-js");
        try {
            Files.createDirectories(target);
            boolean lockChanged = !Files.exists(target.resolve("package-lock.json"))
                    || Files.mismatch(src.resolve("package-lock.json"), target.resolve("package-lock.json")) != -1
                    || !Files.isDirectory(target.resolve("node_modules/@moq/lite"));
            try (Stream<Path> files = Files.list(src)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    Files.copy(f, target.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            if (lockChanged) {
                Process p = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error")
                        .directory(target.toFile()).redirectErrorStream(true)
                        .redirectOutput(target.resolve("npm-ci.log").toFile()).start();
                if (!p.waitFor(INSTALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    unavailableReason = "npm ci timed out; see " + target.resolve("npm-ci.log");
                    return Optional.empty();
                }
                if (p.exitValue() != 0) {
                    unavailableReason = "npm ci failed (exit " + p.exitValue() + "): "
                            + Files.readString(target.resolve("npm-ci.log")).strip();
                    return Optional.empty();
                }
            }
            return Optional.of(new NodeInterop(target));
        } catch (IOException e) {
            unavailableReason = "cannot prepare " + target + ": " + e.getMessage();
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            unavailableReason = "interrupted during npm ci";
            return Optional.empty();
        }
    }

    private static Optional<Path> findSources() {
        Path cwd = Path.of("").toAbsolutePath();
        for (Path p = cwd; p != null; p = p.getParent()) {
            for (Path candidate : List.of(p.resolve("src/test/js"), p.resolve("net/src/test/js"))) {
                if (Files.exists(candidate.resolve("package-lock.json")) && Files.exists(candidate.resolve("subscribe.mjs"))) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    private static String capture(List<String> cmd, Path dir) throws IOException {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException(cmd + " failed: " + out);
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** Starts {@code node <script> args...} in the install directory. */
    public Run start(String script, String... args) {
        return start(java.util.Map.of(), script, args);
    }

    /** Like {@link #start(String, String...)} with extra environment, e.g. {@code NODE_EXTRA_CA_CERTS} for wss. */
    public Run start(java.util.Map<String, String> env, String script, String... args) {
        List<String> cmd = new ArrayList<>(List.of("node", script));
        cmd.addAll(List.of(args));
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
            pb.environment().putAll(env);
            return new Run(pb.start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs a script to completion (killed after {@code timeout}) and returns its stdout lines. */
    public List<String> run(Duration timeout, String script, String... args) {
        try (Run r = start(script, args)) {
            r.waitFor(timeout);
            return r.lines();
        }
    }

    /** The JSON objects among a script's output lines (the library's own logging is plain text). */
    public static List<JsonNode> events(List<String> lines) {
        List<JsonNode> out = new ArrayList<>();
        for (String l : lines) {
            if (l.startsWith("{\"event\"")) {
                try {
                    out.add(JSON.readTree(l));
                } catch (IOException e) {
                    throw new UncheckedIOException("bad JSON line from node: " + l, e);
                }
            }
        }
        return out;
    }

    /** A running script: stdout lines are collected as they arrive, stderr is kept for diagnostics. */
    public static final class Run implements AutoCloseable {
        private final Process process;
        private final List<String> lines = Collections.synchronizedList(new ArrayList<>());
        private final LinkedBlockingQueue<JsonNode> eventQueue = new LinkedBlockingQueue<>();
        private final StringBuffer stderr = new StringBuffer();
        private final Thread outReader;
        private final Thread errReader;

        private Run(Process process) {
            this.process = process;
            outReader = Thread.ofVirtual().start(() -> pump(process.inputReader(StandardCharsets.UTF_8), true));
            errReader = Thread.ofVirtual().start(() -> pump(process.errorReader(StandardCharsets.UTF_8), false));
        }

        private void pump(BufferedReader r, boolean out) {
            try (r) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (out) {
                        lines.add(line);
                        eventQueue.addAll(NodeInterop.events(List.of(line)));
                    } else {
                        stderr.append(line).append('\n');
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
        }

        /** Waits for the next JSON event matching {@code filter}, skipping others; empty on timeout or exit. */
        public Optional<JsonNode> awaitEvent(Predicate<JsonNode> filter, Duration timeout) throws InterruptedException {
            long end = System.nanoTime() + timeout.toNanos();
            while (true) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    return Optional.empty();
                }
                JsonNode e = eventQueue.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)), TimeUnit.NANOSECONDS);
                if (e != null && filter.test(e)) {
                    return Optional.of(e);
                }
                if (e == null && !process.isAlive() && !outReader.isAlive() && eventQueue.isEmpty()) {
                    return Optional.empty();
                }
            }
        }

        public Optional<JsonNode> awaitEvent(String name, Duration timeout) throws InterruptedException {
            return awaitEvent(e -> name.equals(e.path("event").asText()), timeout);
        }

        /** Waits for exit (killing the process at the timeout); returns the exit code, -1 if killed. */
        public int waitFor(Duration timeout) {
            try {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(5, TimeUnit.SECONDS);
                    joinReaders();
                    return -1;
                }
                joinReaders();
                return process.exitValue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
                return -1;
            }
        }

        private void joinReaders() throws InterruptedException {
            outReader.join(Duration.ofSeconds(5));
            errReader.join(Duration.ofSeconds(5));
        }

        public List<String> lines() {
            synchronized (lines) {
                return List.copyOf(lines);
            }
        }

        public List<JsonNode> events() {
            return NodeInterop.events(lines());
        }

        public String stderr() {
            return stderr.toString();
        }

        /** Output for assertion messages. */
        public String transcript() {
            return "stdout:\n" + String.join("\n", lines()) + "\nstderr:\n" + stderr();
        }

        @Override
        public void close() {
            if (process.isAlive()) {
                process.destroy();
                try {
                    if (!process.waitFor(3, TimeUnit.SECONDS)) {
                        process.destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    process.destroyForcibly();
                }
            }
        }
    }
}
