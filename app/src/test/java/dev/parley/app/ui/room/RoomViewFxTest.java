package dev.parley.app.ui.room;

import dev.parley.app.cli.CommandEngines;
import dev.parley.app.cli.GuiRequest;
import dev.parley.app.service.ChatEntry;
import dev.parley.app.service.ConnectionState;
import dev.parley.app.service.DeviceList;
import dev.parley.app.service.RoomUpdate;
import dev.parley.app.service.StatsSnapshot;
import dev.parley.app.settings.SettingsStore;
import dev.parley.app.testing.FakeCalls;
import dev.parley.app.testing.FakeDevices;
import dev.parley.app.testing.FakeParticipant;
import dev.parley.app.testing.FakeRoomSession;
import dev.parley.app.ui.MainWindow;
import dev.parley.app.ui.common.FxUiExecutor;
import dev.parley.app.wiring.AppServices;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.image.WritableImage;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;

import static org.assertj.core.api.Assertions.assertThat;

/** The room screen under Monocle, driven through the real start screen with an in-memory room. */
@ExtendWith(ApplicationExtension.class)
@Timeout(90)
class RoomViewFxTest {
    // A fresh settings folder per test: settings saved by one test (picture-in-picture, for one) must not
    // change the next test's layout.
    @TempDir
    Path dir;

    private final ExecutorService background = Executors.newVirtualThreadPerTaskExecutor();
    private final FakeCalls calls = new FakeCalls();
    private MainWindow window;
    private FakeRoomSession session;

    @Start
    void start(Stage stage) {
        AppServices services = new AppServices(calls, new FakeDevices(DeviceList.empty()), CommandEngines.unwired());
        window = new MainWindow(services, new SettingsStore(dir), GuiRequest.startScreen(null, false), new FxUiExecutor(), background);
        stage.setScene(new Scene(window, 1280, 800));
        stage.show();
    }

    @BeforeEach
    void enterRoom(FxRobot robot) throws Exception {
        robot.clickOn("#displayName").eraseText(30).write("Me");
        robot.clickOn("#newRoom");
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> robot.lookup("#roomView").tryQuery().isPresent());
        session = calls.last;
        // No click here: a click right after the previous one could count as a double-click on a tile.
        robot.interact(() -> window.lookup(".stage").requestFocus());
    }

    @AfterEach
    void stop() {
        background.shutdownNow();
    }

    private RoomViewModel vm() {
        return window.roomViewModel();
    }

    private static <T> T fx(Callable<T> c) throws Exception {
        return WaitForAsyncUtils.asyncFx(c).get();
    }

    /** True when a node matching the query is in this test's scene and visible. */
    private boolean shown(FxRobot robot, String query) {
        return robot.from(window).lookup(query).tryQuery().map(Node::isVisible).orElse(false);
    }

    private void waitFx(Callable<Boolean> condition) throws Exception {
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> fx(condition));
    }

    @Test
    void keyboardShortcutsToggleState(FxRobot robot) throws Exception {
        robot.type(KeyCode.M);
        waitFx(() -> vm().micMutedProperty().get());
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> session.calls.contains("mic-muted=true"));
        robot.type(KeyCode.V);
        waitFx(() -> !vm().cameraOnProperty().get());
        robot.type(KeyCode.S);
        waitFx(() -> vm().screenSharingProperty().get());
        robot.type(KeyCode.D);
        waitFx(() -> vm().statsVisibleProperty().get());
        assertThat(robot.lookup(".stats-overlay").<Node>queryAll()).isNotEmpty().allMatch(Node::isVisible);
        robot.type(KeyCode.C);
        waitFx(() -> robot.lookup("#chatPanel").query().isVisible());
        // Typing in the chat must not trigger shortcuts.
        robot.clickOn("#chatInput").write("m");
        assertThat(fx(() -> vm().micMutedProperty().get())).isTrue();
        robot.type(KeyCode.BACK_SPACE);
        robot.clickOn(".tile-grid");
        robot.type(KeyCode.M);
        waitFx(() -> !vm().micMutedProperty().get());
        assertThat(session.calls).contains("mic-muted=true", "camera=false", "screen=true");
    }

    @Test
    void chatSendsOnEnterAndShowsReceivedMessagesWithBadge(FxRobot robot) throws Exception {
        session.chat.deliver(new ChatEntry("b0", "Bo", "hello from Bo", Instant.now(), false));
        waitFx(() -> vm().chat().unreadProperty().get() == 1);
        assertThat(robot.lookup("#unreadBadge").queryAs(Label.class).isVisible()).isTrue();
        assertThat(robot.lookup("#unreadBadge").queryAs(Label.class).getText()).isEqualTo("1");
        robot.clickOn("#chatToggle");
        waitFx(() -> !robot.lookup("#unreadBadge").query().isVisible());
        robot.clickOn("#chatInput").write("hi Bo").type(KeyCode.ENTER);
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> session.chat.sent.contains("hi Bo"));
        @SuppressWarnings("unchecked")
        ListView<ChatLine> list = robot.lookup("#chatList").queryAs(ListView.class);
        waitFx(() -> list.getItems().size() == 2);
        assertThat(list.getItems()).extracting(ChatLine::text).containsExactly("hello from Bo", "hi Bo");
        assertThat(list.getItems().getFirst().sender()).isEqualTo("Bo");
        assertThat(robot.lookup(".chat-sender").queryAll()).extracting(n -> ((Label) n).getText()).contains("Bo", "Me");
    }

    @Test
    void overlayShowsNumbersFromTheStatsSource(FxRobot robot) throws Exception {
        FakeParticipant bo = FakeParticipant.remote("b0", "Bo");
        bo.stats = new StatsSnapshot(new StatsSnapshot.Net(false, "127.0.0.1:4443", 42, 0.5, 2.5, 0.3), null,
                new StatsSnapshot.Render("h264", "360p", 30, 3.25), new StatsSnapshot.Time(90, 12, 60));
        session.emit(new RoomUpdate.ParticipantJoined(bo));
        robot.type(KeyCode.D);
        Node tile = robot.lookup("#tile-b0").query();
        waitFx(() -> robot.from(tile).lookup("#stat-net-rtt").tryQuery().map(n -> ((Label) n).getText().equals("42.0 ms")).orElse(false));
        Label rtt = robot.from(tile).lookup("#stat-net-rtt").queryAs(Label.class);
        assertThat(rtt.getStyleClass()).contains("warn");
        assertThat(robot.from(tile).lookup("#stat-render-decode").queryAs(Label.class).getText()).isEqualTo("3.25 ms");
        assertThat(robot.from(tile).lookup("#stat-render-fps").queryAs(Label.class).getStyleClass()).contains("good");
        assertThat(robot.from(tile).lookup("#stat-time-latency").queryAs(Label.class).getText()).isEqualTo("90.0 ms");
        assertThat(robot.from(tile).lookup(".stats-summary").queryAll()).extracting(n -> ((Label) n).getText())
                .contains("direct · RTT 42.0 ms · Down 2.50 Mbps");
        assertThat(robot.lookup(".sparkline").queryAll()).isNotEmpty();
    }

    @Test
    void selfTileOverlayShowsTheCaptureSection(FxRobot robot) throws Exception {
        session.self.stats = new StatsSnapshot(null, new StatsSnapshot.Capture("Test pattern", "avc1.64001e", "libx264",
                "640x360", 30, 25, 850), null, null);
        robot.type(KeyCode.D);
        Node tile = robot.from(window).lookup("#tile-self").query();
        waitFx(() -> robot.from(tile).lookup("#stat-capture-fps").tryQuery().map(n -> ((Label) n).getText().equals("30.0")).orElse(false));
        assertThat(robot.from(tile).lookup("#stat-capture-fps").queryAs(Label.class).getStyleClass()).contains("good");
        Label encode = robot.from(tile).lookup("#stat-capture-encode").queryAs(Label.class);
        assertThat(encode.getText()).isEqualTo("25.0 ms");
        assertThat(encode.getStyleClass()).as("20-40 ms per frame is yellow").contains("warn");
        assertThat(robot.from(tile).lookup("#stat-capture-bitrate").queryAs(Label.class).getText()).isEqualTo("850 kbps");
        assertThat(fx(() -> robot.from(tile).lookup(".stats-title").queryAll().stream()
                .filter(Node::isVisible).filter(n -> n.getParent().getParent().isVisible())
                .map(n -> ((Label) n).getText()).toList())).containsExactly("CAPTURE");
        assertThat(robot.from(tile).lookup(".stats-summary").queryAll()).extracting(n -> ((Label) n).getText())
                .contains("Test pattern · 640x360 · 30.0 fps");
        assertThat(robot.from(tile).lookup(".stats-value").queryAll()).extracting(n -> ((Label) n).getText())
                .contains("Test pattern", "avc1.64001e", "libx264", "640x360");
        assertThat(robot.from(tile).lookup(".sparkline").queryAll()).isNotEmpty();
        assertThat(robot.from(tile).lookup(".rendition-selector").queryAll()).as("no selector on the self tile").isEmpty();
    }

    @Test
    void doubleClickShowsOneTileLargeAndQrShowsTheTicket(FxRobot robot) throws Exception {
        session.emit(new RoomUpdate.ParticipantJoined(FakeParticipant.remote("b0", "Bo")));
        session.emit(new RoomUpdate.ParticipantJoined(FakeParticipant.remote("c0", "Cy")));
        waitFx(() -> shown(robot, "#tile-b0") && shown(robot, "#tile-c0"));
        // A real double-click through the robot is timing-dependent on a loaded machine (the two clicks can
        // land outside the double-click interval), so the tile gets a genuine two-click event directly.
        Node cy = robot.lookup("#tile-c0").query();
        fx(() -> {
            javafx.geometry.Point2D c = cy.localToScene(cy.getBoundsInLocal().getCenterX(), cy.getBoundsInLocal().getCenterY());
            javafx.event.Event.fireEvent(cy, new javafx.scene.input.MouseEvent(javafx.scene.input.MouseEvent.MOUSE_CLICKED,
                    c.getX(), c.getY(), c.getX(), c.getY(), javafx.scene.input.MouseButton.PRIMARY, 2,
                    false, false, false, false, true, false, false, true, false, true, null));
            return null;
        });
        waitFx(() -> shown(robot, "#tile-c0") && !shown(robot, "#tile-b0"));
        assertThat(fx(() -> vm().focusedProperty().get().id())).isEqualTo("c0");
        robot.type(KeyCode.ESCAPE);
        waitFx(() -> shown(robot, "#tile-b0") && shown(robot, "#tile-c0"));
        robot.clickOn("#showQr");
        waitFx(() -> robot.lookup("#qrCanvas").tryQuery().isPresent());
        robot.clickOn("#qrClose");
        waitFx(() -> robot.lookup("#qrOverlay").tryQuery().isEmpty());
    }

    @Test
    void reconnectingIsShownOnTheBannerAndTile(FxRobot robot) throws Exception {
        session.emit(new RoomUpdate.ParticipantJoined(FakeParticipant.remote("b0", "Bo")));
        session.emit(new RoomUpdate.SelfConnectionChanged(ConnectionState.RECONNECTING));
        waitFx(() -> robot.lookup("#banner").query().isVisible());
        assertThat(robot.lookup("#banner").queryAs(Label.class).getText()).contains("Reconnecting");
        waitFx(() -> robot.lookup("#tile-b0").tryQuery().isPresent());
        Label placeholder = robot.from(robot.lookup("#tile-b0").<Node>query()).lookup(".tile-placeholder-text").queryAs(Label.class);
        waitFx(() -> placeholder.getText().equals("connecting…"));
        robot.clickOn("#leave");
        waitFx(() -> robot.lookup("#newRoom").tryQuery().isPresent());
        assertThat(session.closed).isTrue();
        // the start screen finishes loading (its preview start uses the background executor, shut down after the test)
        waitFx(() -> window.startViewModel() != null && !window.startViewModel().cameras().isEmpty());
    }

    /** Not an assertion of looks: saves the room with three participants for a person to inspect. */
    @Test
    void snapshotOfAFullRoom(FxRobot robot) throws Exception {
        int[][] colours = {{0xC0, 0x60, 0x30}, {0x40, 0xA0, 0x50}, {0x50, 0x50, 0xD0}};
        String[] names = {"Bo", "Cy", "Di"};
        for (int i = 0; i < 3; i++) {
            FakeParticipant p = FakeParticipant.remote("p" + i, names[i]);
            p.stats = new StatsSnapshot(new StatsSnapshot.Net(i == 2, "10.0.0." + (i + 2) + ":4443", 18 + 40 * i, i, 2.1, 0.4), null,
                    new StatsSnapshot.Render("h264 (libavcodec)", "360p", 30 - 6 * i, 2.5), new StatsSnapshot.Time(60 + 50 * i, 8, 70));
            p.level = i == 0 ? 0.7 : 0;
            p.feed.offer(640, 360, colours[i][0], colours[i][1], colours[i][2]);
            session.emit(new RoomUpdate.ParticipantJoined(p));
            session.emit(new RoomUpdate.ParticipantChanged(p.id(), i == 1, true, ConnectionState.CONNECTED));
        }
        session.self.stats = new StatsSnapshot(null, new StatsSnapshot.Capture("test pattern", "avc1.64001f", "libx264", "1280x720", 30, 6.5, 2400),
                null, null);
        session.chat.deliver(new ChatEntry("p0", "Bo", "Can everyone see my screen?", Instant.now(), false));
        robot.type(KeyCode.D);
        robot.type(KeyCode.C);
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> fx(() -> vm().activeSpeakerProperty().get() != null));
        WaitForAsyncUtils.sleep(600, TimeUnit.MILLISECONDS);
        WritableImage shot = fx(() -> window.getScene().snapshot(null));
        BufferedImage img = new BufferedImage((int) shot.getWidth(), (int) shot.getHeight(), BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                img.setRGB(x, y, shot.getPixelReader().getArgb(x, y));
            }
        }
        Path out = Path.of("target", "test-screens", "room.png");
        Files.createDirectories(out.getParent());
        ImageIO.write(img, "png", out.toFile());
        assertThat(out).isNotEmptyFile();
        assertThat(fx(() -> vm().activeSpeakerProperty().get().id())).isEqualTo("p0");
    }
}
