package dev.parley.media.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A private PulseAudio daemon for tests: real audio devices that appear and disappear at run time
 * (null sinks and their monitor sources, {@code pactl load-module}/{@code unload-module}), reached by
 * child JVMs through ALSA's pulse plugin, which is all Java Sound sees. It runs as the current user
 * (root included) with its own runtime folder and socket, loads no default configuration, and is
 * stopped by {@link #close()}. Tests skip, with the reason, when {@code pulseaudio}, {@code pactl} or
 * the ALSA pulse plugin is missing ({@code scripts/system-deps.sh} installs them).
 */
public final class PulseAudioLab implements AutoCloseable {
    private static final long START_TIMEOUT_NANOS = 15_000_000_000L;
    private static final String[] PLUGIN_DIRS = {"/usr/lib/x86_64-linux-gnu/alsa-lib", "/usr/lib/aarch64-linux-gnu/alsa-lib",
            "/usr/lib64/alsa-lib", "/usr/lib/alsa-lib"};

    private final Path dir;
    private final Path socket;
    private final Process daemon;

    private PulseAudioLab(Path dir, Path socket, Process daemon) {
        this.dir = dir;
        this.socket = socket;
        this.daemon = daemon;
    }

    /** Starts a daemon in {@code dir} (a fresh temporary folder), or skips the test with the reason. */
    public static PulseAudioLab start(Path dir) throws IOException, InterruptedException {
        Assumptions.assumeTrue(System.getProperty("os.name", "").toLowerCase().contains("linux"),
                "PulseAudio lab is Linux only");
        for (String tool : List.of("pulseaudio", "pactl")) {
            Assumptions.assumeTrue(onPath(tool), tool + " is not installed (scripts/system-deps.sh installs pulseaudio, "
                    + "pulseaudio-utils and libasound2-plugins)");
        }
        Assumptions.assumeTrue(List.of(PLUGIN_DIRS).stream().anyMatch(d -> Files.exists(Path.of(d, "libasound_module_pcm_pulse.so"))),
                "the ALSA pulse plugin is not installed (libasound2-plugins)");
        Path socket = dir.resolve("native");
        ProcessBuilder pb = new ProcessBuilder("pulseaudio", "-n", "--daemonize=no", "--exit-idle-time=-1",
                "--use-pid-file=no", "--log-target=stderr", "--log-level=error",
                "-L", "module-native-protocol-unix socket=" + socket + " auth-anonymous=1")
                .redirectErrorStream(true).redirectOutput(dir.resolve("pulseaudio.log").toFile());
        pb.environment().put("HOME", dir.toString());
        pb.environment().put("XDG_RUNTIME_DIR", dir.toString());
        pb.environment().put("XDG_CONFIG_HOME", dir.resolve("config").toString());
        Process p = pb.start();
        PulseAudioLab lab = new PulseAudioLab(dir, socket, p);
        long deadline = System.nanoTime() + START_TIMEOUT_NANOS;
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                String log = Files.readString(dir.resolve("pulseaudio.log"));
                Assumptions.abort("pulseaudio did not start (exit " + p.exitValue() + "): " + log.strip());
            }
            if (Files.exists(socket) && lab.tryPactl("info")) {
                return lab;
            }
            Thread.sleep(50);
        }
        lab.close();
        Assumptions.abort("pulseaudio did not answer within 15 s");
        return null;
    }

    private static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }

    /** The environment for clients: PULSE_SERVER, and a HOME whose ALSA config routes "default" here (see {@link #route}). */
    public Map<String, String> clientEnv() {
        return Map.of("PULSE_SERVER", "unix:" + socket, "HOME", dir.toString(), "XDG_RUNTIME_DIR", dir.toString());
    }

    /**
     * Makes ALSA's default device (what Java Sound opens) play into {@code sink} and record from
     * {@code source} for child processes started with {@link #clientEnv()}.
     */
    public void route(String sink, String source) throws IOException {
        String server = "server \"unix:" + socket + "\"";
        Files.writeString(dir.resolve(".asoundrc"), "pcm.!default { type asym\n"
                + "  playback.pcm { type pulse; " + server + "; device \"" + sink + "\" }\n"
                + "  capture.pcm { type pulse; " + server + "; device \"" + source + "\" } }\n"
                + "ctl.!default { type pulse; " + server + " }\n");
    }

    /** Creates a null sink (a device that plays nowhere; its monitor source records what it plays); returns the module index. */
    public int loadNullSink(String name) throws IOException, InterruptedException {
        return Integer.parseInt(pactl("load-module", "module-null-sink", "sink_name=" + name, "rate=48000", "channels=1").strip());
    }

    /** Removes a module: for a null sink the sink and its monitor vanish, like an unplugged device. */
    public void unload(int module) throws IOException, InterruptedException {
        pactl("unload-module", String.valueOf(module));
    }

    public String pactl(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("pactl"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("PULSE_SERVER", "unix:" + socket);
        Process p = pb.start();
        boolean done = p.waitFor(10, TimeUnit.SECONDS);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!done) {
            p.destroyForcibly();
            throw new IOException("pactl " + String.join(" ", args) + " did not finish in 10 s");
        }
        if (p.exitValue() != 0) {
            throw new IOException("pactl " + String.join(" ", args) + " failed: " + out.strip());
        }
        return out;
    }

    private boolean tryPactl(String... args) {
        try {
            pactl(args);
            return true;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        daemon.destroy();
        try {
            if (!daemon.waitFor(5, TimeUnit.SECONDS)) {
                daemon.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            daemon.destroyForcibly();
        }
    }

    /** Starts a child JVM running {@code main} with this class path and the lab's client environment. */
    public Process startJava(Class<?> main, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
                "-cp", System.getProperty("java.class.path"), main.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(clientEnv());
        return pb.start();
    }
}
