package dev.parley.app.ui.room;

import dev.parley.app.cli.CommandEngines;
import dev.parley.app.cli.GuiRequest;
import dev.parley.app.service.DeviceChoice;
import dev.parley.app.service.DeviceList;
import dev.parley.app.service.RoomUpdate;
import dev.parley.app.settings.SettingsStore;
import dev.parley.app.testing.FakeCalls;
import dev.parley.app.testing.FakeDevices;
import dev.parley.app.testing.FakeRoomSession;
import dev.parley.app.ui.MainWindow;
import dev.parley.app.ui.common.FxUiExecutor;
import dev.parley.app.wiring.AppServices;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.ComboBox;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The room's devices panel under Monocle: the pickers list the devices, a pick switches in the room
 * (no rejoin), and a device that falls back mid-call shows a toast.
 */
@ExtendWith(ApplicationExtension.class)
@Timeout(90)
class RoomDevicesFxTest {
    private static final DeviceChoice USB_MIC = new DeviceChoice("microphone:usb", "USB mic", false);
    private static final DeviceChoice HEADPHONES = new DeviceChoice("speaker:Headphones", "Headphones", false);

    @TempDir
    Path dir;

    private final ExecutorService background = Executors.newVirtualThreadPerTaskExecutor();
    private final FakeCalls calls = new FakeCalls();
    private MainWindow window;

    @Start
    void start(Stage stage) {
        DeviceList devices = new DeviceList(List.of(), List.of(USB_MIC), List.of(), List.of(HEADPHONES));
        AppServices services = new AppServices(calls, new FakeDevices(devices), CommandEngines.unwired());
        window = new MainWindow(services, new SettingsStore(dir), GuiRequest.startScreen(null, false), new FxUiExecutor(), background);
        stage.setScene(new Scene(window, 1280, 800));
        stage.show();
    }

    @AfterEach
    void stop() {
        background.shutdownNow();
    }

    private static <T> T fx(Callable<T> c) throws Exception {
        return WaitForAsyncUtils.asyncFx(c).get();
    }

    private void waitFx(Callable<Boolean> condition) throws Exception {
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> fx(condition));
    }

    @Test
    void pickingAnotherMicrophoneAndSpeakerSwitchesInTheRoomAndAnUnplugShowsAToast(FxRobot robot) throws Exception {
        robot.clickOn("#displayName").eraseText(30).write("Me");
        robot.clickOn("#newRoom");
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> robot.lookup("#roomView").tryQuery().isPresent());
        FakeRoomSession session = calls.last;
        assertThat(robot.lookup("#devicePanel").query().isVisible()).isFalse();
        robot.clickOn("#devices");
        waitFx(() -> robot.lookup("#devicePanel").query().isVisible());
        ComboBox<DeviceChoice> mics = robot.lookup("#microphonePicker").queryComboBox();
        waitFx(() -> mics.getItems().contains(DeviceChoice.TEST_TONE));
        assertThat(fx(() -> mics.getValue())).as("the microphone the call started with").isEqualTo(USB_MIC);
        robot.clickOn("#microphonePicker");
        robot.clickOn("Test tone");
        ComboBox<DeviceChoice> speakers = robot.lookup("#speakerPicker").queryComboBox();
        waitFx(() -> speakers.getItems().contains(HEADPHONES));
        robot.clickOn("#speakerPicker");
        robot.clickOn("Headphones");
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> session.calls.stream().filter(c -> !c.startsWith("echo=")).count() >= 2);
        assertThat(session.calls).filteredOn(c -> !c.startsWith("echo="))
                .containsExactly("microphone=test:tone", "speaker=speaker:Headphones");
        assertThat(session.closed).as("switching does not leave the room").isFalse();
        assertThat(fx(() -> mics.getValue())).isEqualTo(DeviceChoice.TEST_TONE);

        // the session reports that the USB microphone was unplugged and the call fell back
        String message = "Microphone \"USB mic\" stopped (no audio for 1000 ms: unplugged?); now using \"silence (no microphone)\".";
        robot.interact(() -> session.emit(new RoomUpdate.Notice(message, true)));
        waitFx(() -> robot.lookup(".toast").tryQuery().map(Node::isVisible).orElse(false));
        assertThat(fx(() -> window.notifications().items().stream().anyMatch(n -> n.error() && n.message().equals(message))))
                .isTrue();
    }
}
