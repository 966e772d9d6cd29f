package dev.parley.app.headless;

import dev.parley.media.source.DeviceChange;
import dev.parley.media.source.DeviceKind;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The line {@code parley room --headless} prints when a device changes mid-call. */
class RoomRunnerDeviceLineTest {
    @Test
    void aFallbackLineNamesBothDevicesAndWhy() {
        String line = RoomRunner.deviceJson(new DeviceChange(DeviceKind.MICROPHONE, "default [default]",
                "silence (no microphone)", "no audio for 1000 ms: unplugged?")).toString();
        assertThat(line).isEqualTo("{\"event\":\"device-change\",\"kind\":\"microphone\",\"from\":\"default [default]\","
                + "\"to\":\"silence (no microphone)\",\"reason\":\"no audio for 1000 ms: unplugged?\",\"message\":"
                + "\"Microphone \\\"default [default]\\\" stopped (no audio for 1000 ms: unplugged?); now using "
                + "\\\"silence (no microphone)\\\".\"}");
    }

    @Test
    void aChosenSwitchHasNoReason() {
        assertThat(RoomRunner.deviceJson(new DeviceChange(DeviceKind.SPEAKER, "default", "USB headset", null)).has("reason"))
                .isFalse();
    }
}
