package dev.parley.app.ui.start;

import dev.parley.app.service.DeviceChoice;
import dev.parley.app.service.DeviceList;
import dev.parley.app.service.RoomSession;
import dev.parley.app.settings.Settings;
import dev.parley.app.settings.SettingsStore;
import dev.parley.app.testing.BrokenDevices;
import dev.parley.app.testing.FakeCalls;
import dev.parley.app.testing.FakeDevices;
import dev.parley.app.testing.RecordingNotifier;
import dev.parley.app.ui.common.DirectUiExecutor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class StartViewModelTest {
    @TempDir
    Path dir;

    private final FakeCalls calls = new FakeCalls();
    private final RecordingNotifier notifier = new RecordingNotifier();
    private final List<RoomSession> entered = new ArrayList<>();
    private static final DeviceChoice CAM = new DeviceChoice("v4l2:/dev/video0", "HD Webcam", false);
    private static final DeviceChoice MIC = new DeviceChoice("alsa:hw0", "Built-in mic", false);

    private StartViewModel vm(FakeDevices devices) {
        StartViewModel vm = new StartViewModel(calls, devices, new SettingsStore(dir), new DirectUiExecutor(), Runnable::run,
                notifier, entered::add);
        vm.start(false).join();
        return vm;
    }

    @Test
    void noDevicesFallsBackToTestSourcesAndSaysSo() {
        FakeDevices devices = new FakeDevices(DeviceList.empty());
        StartViewModel vm = vm(devices);
        assertThat(vm.cameraProperty().get()).isEqualTo(DeviceChoice.TEST_PATTERN);
        assertThat(vm.microphoneProperty().get()).isEqualTo(DeviceChoice.TEST_TONE);
        assertThat(vm.deviceNoticeProperty().get()).contains("No camera or microphone found", "test pattern and tone");
        assertThat(devices.started).hasSize(1);
        assertThat(vm.previewFeedProperty().get()).isSameAs(devices.previews.getFirst().feed);
        assertThat(vm.previewMessageProperty().get()).isEmpty();
        vm.pulse();
        assertThat(vm.micLevelProperty().get()).isEqualTo(0.5);
    }

    @Test
    void realDevicesArePreferredAndChangesRestartThePreview() {
        FakeDevices devices = new FakeDevices(new DeviceList(List.of(CAM), List.of(MIC), List.of()));
        StartViewModel vm = vm(devices);
        assertThat(vm.cameraProperty().get()).isEqualTo(CAM);
        assertThat(vm.deviceNoticeProperty().get()).isEmpty();
        assertThat(vm.cameras()).containsExactly(CAM, DeviceChoice.TEST_PATTERN, DeviceChoice.OFF);
        vm.cameraProperty().set(DeviceChoice.TEST_PATTERN);
        assertThat(devices.previews).hasSize(2);
        assertThat(devices.previews.getFirst().closed).isTrue();
        assertThat(devices.started.getLast().camera()).isEqualTo(DeviceChoice.TEST_PATTERN);
        assertThat(new SettingsStore(dir).load().camera()).isEqualTo("test:pattern");
    }

    @Test
    void brokenCaptureShowsNoVideoYetWithTheReason() {
        StartViewModel vm = new StartViewModel(calls, new BrokenDevices(), new SettingsStore(dir), new DirectUiExecutor(),
                Runnable::run, notifier, entered::add);
        vm.start(false).join();
        assertThat(vm.previewFeedProperty().get()).isNull();
        assertThat(vm.previewMessageProperty().get()).isEqualTo("No video yet: " + BrokenDevices.CAPTURE_FAILURE);
        assertThat(vm.deviceNoticeProperty().get()).contains(BrokenDevices.LIST_FAILURE, "test pattern and tone");
        assertThat(vm.cameras()).as("the test sources stay choosable").contains(DeviceChoice.TEST_PATTERN);
    }

    @Test
    void nameIsRememberedAcrossRuns() {
        StartViewModel first = vm(new FakeDevices(DeviceList.empty()));
        first.displayNameProperty().set("Ada Lovelace");
        StartViewModel second = vm(new FakeDevices(DeviceList.empty()));
        assertThat(second.displayNameProperty().get()).isEqualTo("Ada Lovelace");
    }

    @Test
    void invalidTicketsGetAnInlineReason() {
        StartViewModel vm = vm(new FakeDevices(DeviceList.empty()));
        vm.displayNameProperty().set("Ada");
        vm.join();
        assertThat(vm.ticketErrorProperty().get()).isEqualTo("Paste a room ticket first.");
        vm.ticketProperty().set("room abc");
        assertThat(vm.ticketErrorProperty().get()).as("editing clears the error").isEmpty();
        vm.join();
        assertThat(vm.ticketErrorProperty().get()).contains("without spaces");
        vm.ticketProperty().set("roomé");
        vm.join();
        assertThat(vm.ticketErrorProperty().get()).contains("character 5 is 'é'");
        vm.ticketProperty().set("hello");
        vm.join();
        assertThat(vm.ticketErrorProperty().get()).contains("not a room ticket");
        assertThat(calls.requests).isEmpty();
        assertThat(entered).isEmpty();
    }

    @Test
    void joinNeedsANameThenEntersAndRemembersTheRoom() {
        FakeDevices devices = new FakeDevices(DeviceList.empty());
        StartViewModel vm = vm(devices);
        vm.ticketProperty().set("  roomxyz  ");
        vm.join();
        assertThat(vm.nameErrorProperty().get()).contains("name");
        vm.displayNameProperty().set("Ada");
        vm.join();
        assertThat(calls.joined).containsExactly("roomxyz");
        assertThat(calls.requests.getFirst().displayName()).isEqualTo("Ada");
        assertThat(calls.requests.getFirst().sources().camera()).isEqualTo(DeviceChoice.TEST_PATTERN);
        assertThat(entered).containsExactly(calls.last);
        assertThat(devices.previews.getLast().closed).as("preview stops when entering").isTrue();
        Settings saved = new SettingsStore(dir).load();
        assertThat(saved.lastRoom()).isEqualTo("roomxyz");
    }

    @Test
    void aNewRoomCanGoThroughAMediaRelay() {
        StartViewModel vm = vm(new FakeDevices(DeviceList.empty()));
        vm.displayNameProperty().set("Ada");
        vm.createRoom();
        assertThat(calls.requests.getLast().moqRelay()).as("blank: a peer-to-peer room").isNull();
        vm.moqRelayProperty().set(" https://relay.example/ ");
        vm.relayModeProperty().set("hybrid");
        vm.createRoom();
        assertThat(calls.requests.getLast().moqRelay()).isEqualTo("https://relay.example/");
        assertThat(calls.requests.getLast().mode()).isEqualTo("hybrid");
    }

    @Test
    void aFailedCreateIsANotificationNotACrash() {
        StartViewModel vm = vm(new FakeDevices(DeviceList.empty()));
        vm.displayNameProperty().set("Ada");
        calls.failWith = "Rooms are not available in this build yet.";
        vm.createRoom();
        assertThat(notifier.errors).containsExactly("Rooms are not available in this build yet.");
        assertThat(vm.busyProperty().get()).isFalse();
        assertThat(entered).isEmpty();
    }

    @Test
    void forcedTestSourcesOverrideRememberedDevices() {
        new SettingsStore(dir).save(Settings.defaults().withDevices(CAM.id(), MIC.id(), null));
        StartViewModel vm = new StartViewModel(calls, new FakeDevices(new DeviceList(List.of(CAM), List.of(MIC), List.of())),
                new SettingsStore(dir), new DirectUiExecutor(), Runnable::run, notifier, entered::add);
        vm.start(true).join();
        assertThat(vm.cameraProperty().get()).isEqualTo(DeviceChoice.TEST_PATTERN);
        assertThat(vm.microphoneProperty().get()).isEqualTo(DeviceChoice.TEST_TONE);
    }
}
