package dev.parley.media.source;

import org.bytedeco.ffmpeg.avdevice.AVDeviceInfo;
import org.bytedeco.ffmpeg.avdevice.AVDeviceInfoList;
import org.bytedeco.ffmpeg.avformat.AVInputFormat;
import org.bytedeco.ffmpeg.global.avdevice;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.DataLine;
import javax.sound.sampled.Mixer;
import javax.sound.sampled.TargetDataLine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Enumerates capture devices with human-readable names and resolves a user's choice (a name, a
 * name fragment or an index) to one of them. Cameras come from FFmpeg and from webcam-capture
 * (merged, FFmpeg's entry wins). Enumeration never throws and never waits long: a backend that
 * cannot list contributes nothing (logged once).
 */
public final class Devices {
    private static final Logger LOG = LoggerFactory.getLogger(Devices.class);
    static final AudioFormat CAPTURE_FORMAT = new AudioFormat(AudioSource.SAMPLE_RATE, 16, 1, true, false);

    private Devices() {
    }

    /** All cameras, microphones, screens and speakers, in that order. */
    public static List<DeviceInfo> list() {
        List<DeviceInfo> all = new ArrayList<>(cameras());
        all.addAll(microphones());
        all.addAll(screens());
        all.addAll(speakers());
        return all;
    }

    public static List<DeviceInfo> list(DeviceKind kind) {
        return switch (kind) {
            case CAMERA -> cameras();
            case MICROPHONE -> microphones();
            case SCREEN -> screens();
            case SPEAKER -> speakers();
        };
    }

    /**
     * Resolves a choice: null/empty picks the first device; digits pick by index; otherwise an
     * exact (case-insensitive) name or id match, then a name fragment.
     *
     * @throws DeviceUnavailableException listing the available devices when nothing matches
     */
    public static DeviceInfo choose(DeviceKind kind, String choice) {
        return chooseFrom(kind, list(kind), choice);
    }

    /** {@link #choose} among the given devices (e.g. one backend's cameras). */
    static DeviceInfo chooseFrom(DeviceKind kind, List<DeviceInfo> devices, String choice) {
        String wanted = choice == null ? "" : choice.strip();
        if (devices.isEmpty()) {
            throw new DeviceUnavailableException(kind, wanted.isEmpty() ? "default" : wanted,
                    "none found" + backendNote(kind), devices, null);
        }
        if (wanted.isEmpty()) {
            return devices.getFirst();
        }
        if (wanted.chars().allMatch(Character::isDigit)) {
            int i = Integer.parseInt(wanted);
            if (i < devices.size()) {
                return devices.get(i);
            }
            throw new DeviceUnavailableException(kind, wanted, "no device with index " + i + backendNote(kind), devices, null);
        }
        String lower = wanted.toLowerCase(Locale.ROOT);
        for (DeviceInfo d : devices) {
            if (d.name().equalsIgnoreCase(wanted) || d.id().equalsIgnoreCase(wanted)) {
                return d;
            }
        }
        for (DeviceInfo d : devices) {
            if (d.name().toLowerCase(Locale.ROOT).contains(lower)) {
                return d;
            }
        }
        throw new DeviceUnavailableException(kind, wanted, "no device with that name" + backendNote(kind), devices, null);
    }

    static String os() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (os.contains("win")) {
            return "windows";
        }
        return os.contains("mac") ? "mac" : "linux";
    }

    /** The FFmpeg input format for cameras on this OS. */
    static String cameraBackend() {
        return switch (os()) {
            case "windows" -> "dshow";
            case "mac" -> "avfoundation";
            default -> "video4linux2";
        };
    }

    /** The FFmpeg input format for screens on this OS. */
    static String screenBackend() {
        return switch (os()) {
            case "windows" -> "gdigrab";
            case "mac" -> "avfoundation";
            default -> "x11grab";
        };
    }

    // Why a camera may be missing from the list: the second backend could not look.
    private static String backendNote(DeviceKind kind) {
        if (kind != DeviceKind.CAMERA) {
            return "";
        }
        WebcamBackend.Discovery d = WebcamBackend.shared().discover();
        return d.available() ? "" : "; " + WebcamBackend.NAME + " unavailable: " + d.unavailable();
    }

    /**
     * FFmpeg's cameras, then those only webcam-capture lists (backend {@code webcam-capture}, id
     * {@code webcam:<its name>}); a camera both list appears once, as FFmpeg's.
     */
    private static List<DeviceInfo> cameras() {
        List<DeviceInfo> ffmpeg = ffmpegCameras();
        List<DeviceInfo> out = new ArrayList<>(ffmpeg);
        for (WebcamBackend.Camera c : WebcamBackend.shared().discover().cameras()) {
            if (ffmpeg.stream().noneMatch(c::sameAs)) {
                out.add(new DeviceInfo(DeviceKind.CAMERA, out.size(), c.name(), WebcamBackend.ID_PREFIX + c.key(),
                        WebcamBackend.NAME));
            }
        }
        return out;
    }

    private static List<DeviceInfo> ffmpegCameras() {
        if (os().equals("linux")) {
            return linuxCameras();
        }
        List<DeviceInfo> out = new ArrayList<>();
        String backend = cameraBackend();
        for (String[] nameAndId : ffmpegSources(backend)) {
            String id = backend.equals("dshow") ? "video=" + nameAndId[0] : nameAndId[1];
            out.add(new DeviceInfo(DeviceKind.CAMERA, out.size(), nameAndId[0], id, backend));
        }
        return out;
    }

    // V4L2 lists capture and metadata nodes; the capture node of a camera has index 0.
    private static List<DeviceInfo> linuxCameras() {
        Path sys = Path.of("/sys/class/video4linux");
        if (!Files.isDirectory(sys)) {
            return List.of();
        }
        List<DeviceInfo> out = new ArrayList<>();
        try (Stream<Path> nodes = Files.list(sys)) {
            for (Path node : nodes.sorted(Comparator.comparing(Path::toString)).toList()) {
                String index = readFirstLine(node.resolve("index"), "0");
                if (!index.equals("0")) {
                    continue;
                }
                String name = readFirstLine(node.resolve("name"), node.getFileName().toString());
                out.add(new DeviceInfo(DeviceKind.CAMERA, out.size(), name, "/dev/" + node.getFileName(), "video4linux2"));
            }
        } catch (IOException e) {
            LOG.debug("cannot list {}", sys, e);
        }
        return out;
    }

    private static String readFirstLine(Path p, String fallback) {
        try {
            return Files.readAllLines(p).stream().findFirst().map(String::strip).orElse(fallback);
        } catch (IOException e) {
            return fallback;
        }
    }

    // avdevice's own listing (dshow, avfoundation where supported); empty when the backend cannot list.
    private static List<String[]> ffmpegSources(String backend) {
        List<String[]> out = new ArrayList<>();
        try {
            avdevice.avdevice_register_all();
            AVInputFormat fmt = org.bytedeco.ffmpeg.global.avformat.av_find_input_format(backend);
            if (fmt == null) {
                return out;
            }
            AVDeviceInfoList list = new AVDeviceInfoList(null);
            int n = avdevice.avdevice_list_input_sources(fmt, (String) null, null, list);
            for (int i = 0; i < n; i++) {
                AVDeviceInfo info = list.devices(i);
                out.add(new String[]{info.device_description().getString(), info.device_name().getString()});
            }
            if (n >= 0) {
                avdevice.avdevice_free_list_devices(list);
            }
        } catch (UnsatisfiedLinkError e) {
            LOG.debug("FFmpeg avdevice unavailable (is libpulse0 installed?)", e);
        }
        return out;
    }

    private static List<DeviceInfo> microphones() {
        List<DeviceInfo> out = new ArrayList<>();
        DataLine.Info want = new DataLine.Info(TargetDataLine.class, CAPTURE_FORMAT);
        for (Mixer.Info info : AudioSystem.getMixerInfo()) {
            try {
                if (AudioSystem.getMixer(info).isLineSupported(want)) {
                    out.add(new DeviceInfo(DeviceKind.MICROPHONE, out.size(), info.getName(), info.getName(), "javasound"));
                }
            } catch (IllegalArgumentException | SecurityException e) {
                LOG.debug("skipping mixer {}", info, e);
            }
        }
        return out;
    }

    private static List<DeviceInfo> speakers() {
        List<DeviceInfo> out = new ArrayList<>();
        DataLine.Info want = new DataLine.Info(javax.sound.sampled.SourceDataLine.class, CAPTURE_FORMAT);
        for (Mixer.Info info : AudioSystem.getMixerInfo()) {
            try {
                if (AudioSystem.getMixer(info).isLineSupported(want)) {
                    out.add(new DeviceInfo(DeviceKind.SPEAKER, out.size(), info.getName(), info.getName(), "javasound"));
                }
            } catch (IllegalArgumentException | SecurityException e) {
                LOG.debug("skipping mixer {}", info, e);
            }
        }
        return out;
    }

    private static List<DeviceInfo> screens() {
        return switch (os()) {
            case "windows" -> List.of(new DeviceInfo(DeviceKind.SCREEN, 0, "Desktop", "desktop", "gdigrab"));
            case "mac" -> {
                List<DeviceInfo> out = new ArrayList<>();
                for (String[] s : ffmpegSources("avfoundation")) {
                    if (s[0].toLowerCase(Locale.ROOT).contains("screen")) {
                        out.add(new DeviceInfo(DeviceKind.SCREEN, out.size(), s[0], s[1] + ":none", "avfoundation"));
                    }
                }
                yield out;
            }
            default -> {
                String display = System.getenv("DISPLAY");
                if (display == null || display.isBlank() || System.getenv("WAYLAND_DISPLAY") != null && !display.startsWith(":")) {
                    yield List.of();
                }
                String id = display.contains(".") ? display : display + ".0";
                yield List.of(new DeviceInfo(DeviceKind.SCREEN, 0, "X11 screen " + id, id, "x11grab"));
            }
        };
    }
}
