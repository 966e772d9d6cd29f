package dev.parley.app.headless;

import dev.parley.app.cli.ExitCodes;
import dev.parley.app.cli.Terminal;
import dev.parley.media.codec.EncoderProbe;
import dev.parley.media.source.DeviceInfo;
import dev.parley.media.source.DeviceKind;
import dev.parley.media.source.Devices;

import java.io.PrintWriter;
import java.util.List;

/** {@code parley devices}: one section per device kind, then the H.264 encoder that actually opened. */
final class DevicesRunner {
    private DevicesRunner() {}

    static int run(Terminal terminal) {
        PrintWriter out = terminal.out();
        List<DeviceInfo> all = Devices.list();
        for (DeviceKind kind : List.of(DeviceKind.CAMERA, DeviceKind.MICROPHONE, DeviceKind.SCREEN)) {
            out.println(label(kind) + ":");
            List<DeviceInfo> ofKind = all.stream().filter(d -> d.kind() == kind).toList();
            if (ofKind.isEmpty()) {
                out.println("  (none)");
            }
            ofKind.forEach(d -> out.println("  " + d));
        }
        // The probe opens each hardware encoder for real; only the one that opened is usable.
        EncoderProbe.Result probe = EncoderProbe.probe();
        out.println("H.264 encoder: " + probe.chosen());
        probe.rejected().forEach(r -> out.println("  not usable: " + r));
        out.flush();
        return ExitCodes.OK;
    }

    private static String label(DeviceKind kind) {
        return switch (kind) {
            case CAMERA -> "Cameras";
            case MICROPHONE -> "Microphones";
            case SCREEN -> "Screens";
            case SPEAKER -> "Speakers";
        };
    }
}
