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
 * or the install fails, so callers can skip with that reason. {@link #availableFor} does the same for
 * another module's scripts ({@code <module>/src/test/js}), and {@link #require} turns a missing Node
 * into a failure when the build runs in CI (environment variable {@code CI} set).
 */
public final class NodeInterop {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(4);
    private static final java.util.Map<String, Optional<NodeInterop>> INSTANCES = new java.util.HashMap<>();
    private static final java.util.Map<String, String> REASONS = new java.util.HashMap<>();

    private final Path dir;

    private NodeInterop(Path dir) {
        this.dir = dir;
    }

    /** The installed harness, or empty with {@link #unavailableReason()} printed and set. */
    public static Optional<NodeInterop> available() {
        return availableFor("net", "subscribe.mjs");
    }

    public static String unavailableReason() {
        return unavailableReason("net");
    }

    /**
     * The installed scripts of {@code module} ({@code <module>/src/test/js}, recognised by the file
     * {@code marker}), installed into {@code <module>/target/interop-js}; empty with the reason printed.
     */
    public static synchronized Optional<NodeInterop> availableFor(String module, String marker) {
        return INSTANCES.computeIfAbsent(module, m -> {
            Install result = install(m, marker);
            REASONS.put(m, result.reason());
            if (result.node().isEmpty()) {
                System.out.println("[node-interop] " + m + " scripts unavailable: " + result.reason());
            }
            return result.node();
        });
    }

    public static synchronized String unavailableReason(String module) {
        return REASONS.getOrDefault(module, "");
    }

    /**
     * {@link #availableFor}, or else: a failed test in CI (Node and npm are part of the CI setup, so
     * their absence is a broken build, not a reason to skip), an aborted (skipped) test elsewhere. The
     * reason is printed either way.
     */
    public static NodeInterop require(String module, String marker) {
        Optional<NodeInterop> node = availableFor(module, marker);
        if (node.isPresent()) {
            return node.get();
        }
        String why = "Node interop for " + module + " unavailable: " + unavailableReason(module);
        if (System.getenv("CI") != null && !System.getenv("CI").isBlank() && !"false".equals(System.getenv("CI"))) {
            throw new AssertionError(why + " (CI is set, so this fails instead of skipping)");
        }
        throw new org.opentest4j.TestAbortedException(why);
    }

    /** Where the browser tests find Chromium (Debian's package; a browser is never downloaded). */
    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    /**
     * {@link #require} for scripts that drive Debian's Chromium through playwright-core: also needs
     * {@link #CHROMIUM}. Missing, the test is skipped with the reason printed, or fails in CI (which
     * installs it through scripts/system-deps.sh).
     */
    public static NodeInterop requireChromium(String module, String marker) {
        if (!java.nio.file.Files.isExecutable(CHROMIUM)) {
            String why = "no Chromium at " + CHROMIUM + " (Debian package chromium; scripts/system-deps.sh installs it)";
            System.out.println("[node-interop] browser test skipped: " + why);
            if (System.getenv("CI") != null && !System.getenv("CI").isBlank() && !"false".equals(System.getenv("CI"))) {
                throw new AssertionError(why + " (CI is set, so this fails instead of skipping)");
            }
            throw new org.opentest4j.TestAbortedException(why);
        }
        return require(module, marker);
    }

    private record Install(Optional<NodeInterop> node, String reason) {
        static Install unavailable(String reason) {
            return new Install(Optional.empty(), reason);
        }
    }

    private static Install install(String module, String marker) {
        Optional<Path> sources = findSources(module, marker);
        if (sources.isEmpty()) {
            return Install.unavailable("interop scripts (" + module + "/src/test/js) not found from " + Path.of("").toAbsolutePath());
        }
        try {
            String version = capture(List.of("node", "--version"), Path.of("."));
            int major = Integer.parseInt(version.trim().replaceFirst("^v", "").split("\\.")[0]);
            if (major < 20) {
                return Install.unavailable("node " + version.trim() + " is older than 20");
            }
        } catch (IOException | RuntimeException e) {
            return Install.unavailable("node is not installed (" + e.getMessage() + ")");
        }
        Path src = sources.get();
        Path target = src.getParent().getParent().getParent().resolve("target").resolve("interop-js");
        try {
            Files.createDirectories(target);
            boolean lockChanged = !Files.exists(target.resolve("package-lock.json"))
                    || Files.mismatch(src.resolve("package-lock.json"), target.resolve("package-lock.json")) != -1
                    || !Files.isDirectory(target.resolve("node_modules"));
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
                    return Install.unavailable("npm ci timed out; see " + target.resolve("npm-ci.log"));
                }
                if (p.exitValue() != 0) {
                    return Install.unavailable("npm ci failed (exit " + p.exitValue() + "): "
                            + Files.readString(target.resolve("npm-ci.log")).strip());
                }
            }
            return new Install(Optional.of(new NodeInterop(target)), "");
        } catch (IOException e) {
            return Install.unavailable("cannot prepare " + target + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Install.unavailable("interrupted during npm ci");
        }
    }

    private static Optional<Path> findSources(String module, String marker) {
        Path cwd = Path.of("").toAbsolutePath();
        for (Path p = cwd; p != null; p = p.getParent()) {
            for (Path candidate : List.of(p.resolve("src/test/js"), p.resolve(module).resolve("src/test/js"))) {
                if (Files.exists(candidate.resolve("package-lock.json")) && Files.exists(candidate.resolve(marker))) {
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

    /** The installed copy of {@code script} (to run it elsewhere, e.g. inside a lab namespace). */
    public Path script(String script) {
        return dir.resolve(script);
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

        /** Writes one line to the script's stdin (scripts that take commands there, e.g. relay-page.mjs's {@code click <selector>}). */
        public void send(String line) {
            try {
                var in = process.getOutputStream();
                in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                in.flush();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write to the node script: " + e.getMessage(), e);
            }
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
