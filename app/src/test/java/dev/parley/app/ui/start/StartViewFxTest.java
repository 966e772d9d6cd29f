package dev.parley.app.ui.start;

import dev.parley.app.cli.GuiRequest;
import dev.parley.app.service.DeviceList;
import dev.parley.app.settings.SettingsStore;
import dev.parley.app.testing.FakeCalls;
import dev.parley.app.testing.FakeDevices;
import dev.parley.app.ui.MainWindow;
import dev.parley.app.ui.common.FxUiExecutor;
import dev.parley.app.wiring.AppServices;
import dev.parley.app.wiring.ProfileIdentity;
import dev.parley.app.wiring.RoomsCallService;
import dev.parley.media.publish.PublishOptions;
import dev.parley.media.watch.WatchOptions;
import dev.parley.net.quic.EndpointConfig;
import dev.parley.app.cli.CommandEngines;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
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

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(ApplicationExtension.class)
@Timeout(60)
class StartViewFxTest {
    @TempDir
    static Path dir;

    private final ExecutorService background = Executors.newVirtualThreadPerTaskExecutor();
    private MainWindow window;
    private final FakeCalls calls = new FakeCalls();

    @Start
    void start(Stage stage) {
        window = window();
        stage.setScene(new Scene(window, 1100, 720));
        stage.show();
    }

    private MainWindow window() {
        AppServices services = new AppServices(calls, new FakeDevices(DeviceList.empty()), CommandEngines.unwired());
        return new MainWindow(services, new SettingsStore(dir), GuiRequest.startScreen(null, false), new FxUiExecutor(), background);
    }

    @AfterEach
    void stop() {
        background.shutdownNow();
    }

    @Test
    void startScreenRendersWithTheFallbackNotice(FxRobot robot) throws Exception {
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> !robot.lookup("#deviceNotice").queryAs(Label.class).getText().isEmpty());
        assertThat(robot.lookup("#deviceNotice").queryAs(Label.class).getText()).contains("No camera or microphone found");
        assertThat(robot.lookup("#newRoom").tryQuery()).isPresent();
        assertThat(robot.lookup("#join").tryQuery()).isPresent();
        assertThat(robot.lookup("#micLevel").tryQuery()).isPresent();
        assertThat(robot.lookup("#ticketError").queryAs(Label.class).isVisible()).isFalse();
    }

    @Test
    void anInvalidTicketShowsTheInlineError(FxRobot robot) {
        robot.clickOn("#displayName").write("Ada");
        robot.clickOn("#ticket").write("not a ticket");
        robot.clickOn("#join");
        Label error = robot.lookup("#ticketError").queryAs(Label.class);
        assertThat(error.isVisible()).isTrue();
        assertThat(error.getText()).contains("without spaces");
        robot.clickOn("#ticket").eraseText(12).write("nonsense");
        assertThat(error.isVisible()).as("editing clears it").isFalse();
        robot.clickOn("#join");
        assertThat(error.getText()).contains("not a room ticket");
    }

    @Test
    void theNameIsRememberedByTheNextWindow(FxRobot robot) throws Exception {
        robot.clickOn("#displayName").eraseText(40).write("Grace Hopper");
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS,
                () -> Files.exists(dir.resolve("settings.json")) && Files.readString(dir.resolve("settings.json")).contains("Grace Hopper"));
        MainWindow second = WaitForAsyncUtils.asyncFx(this::window).get();
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> WaitForAsyncUtils.asyncFx(
                () -> second.startViewModel().displayNameProperty().get()).get().equals("Grace Hopper"));
        TextField field = (TextField) second.lookup("#displayName");
        assertThat(field.getText()).isEqualTo("Grace Hopper");
    }

    @Test
    void theHomeRelayIsCheckedInlineRememberedAndUsedByTheNextCall(FxRobot robot) throws Exception {
        robot.clickOn("#displayName").eraseText(40).write("Ada");
        robot.clickOn("#homeRelay").eraseText(60).write("relay.example.org");
        Label error = robot.lookup("#relayError").queryAs(Label.class);
        assertThat(error.isVisible()).as("a host without a scheme is no relay URL").isTrue();
        assertThat(error.getText()).contains("http://host:port/");
        robot.clickOn("#newRoom");
        assertThat(calls.requests).as("no call starts with a bad relay").isEmpty();
        robot.clickOn("#homeRelay").eraseText(60).write("http://198.18.1.2:3340/");
        assertThat(error.isVisible()).as("a good URL clears the error").isFalse();
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> Files.exists(dir.resolve("settings.json"))
                && Files.readString(dir.resolve("settings.json")).contains("http://198.18.1.2:3340/"));
        robot.clickOn("#newRoom");
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> !calls.requests.isEmpty());
        assertThat(calls.requests.getFirst().relay()).as("the next call uses it").isEqualTo("http://198.18.1.2:3340/");
        MainWindow second = WaitForAsyncUtils.asyncFx(this::window).get();
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> WaitForAsyncUtils.asyncFx(
                () -> second.startViewModel().homeRelayProperty().get()).get().equals("http://198.18.1.2:3340/"));
        assertThat(((TextField) second.lookup("#homeRelay")).getText()).isEqualTo("http://198.18.1.2:3340/");
    }

    @Test
    void aCorruptIdentityKeyGivesAReadableNotification(FxRobot robot) throws Exception {
        // the real call service, with a profile whose key file is damaged: creating a room must say so
        Path profile = Files.createDirectories(dir.resolve("broken"));
        Path key = Files.writeString(profile.resolve("broken.key"), "not a key");
        RoomsCallService calls = new RoomsCallService(new RoomsCallService.Config(
                () -> ProfileIdentity.load(profile, "broken", k -> null),
                id -> EndpointConfig.loopback(id).withIdleTimeout(java.time.Duration.ofSeconds(3)),
                PublishOptions.defaults(), WatchOptions.defaults()));
        AppServices services = new AppServices(calls, new FakeDevices(DeviceList.empty()), CommandEngines.unwired());
        MainWindow broken = WaitForAsyncUtils.asyncFx(() -> new MainWindow(services, new SettingsStore(profile),
                GuiRequest.startScreen("broken", false), new FxUiExecutor(), background)).get();
        robot.interact(() -> window.getScene().setRoot(broken));
        robot.clickOn("#displayName").write("Ada");
        robot.clickOn("#newRoom");
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> !broken.notifications().items().isEmpty());
        assertThat(broken.notifications().items().getFirst().message())
                .contains("corrupt secret key file", key.toString());
        assertThat(robot.lookup(".toast-error").queryAs(Label.class).getText()).doesNotContain("Exception");
        assertThat(Files.readString(key)).as("the damaged key is kept, not replaced").isEqualTo("not a key");
        assertThat(broken.roomViewModel()).as("still on the start screen").isNull();
    }
}
