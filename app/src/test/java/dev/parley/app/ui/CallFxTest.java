package dev.parley.app.ui;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import dev.parley.app.cli.GuiRequest;
import dev.parley.app.headless.HeadlessEngines;
import dev.parley.app.service.ChatEntry;
import dev.parley.app.service.ConnectionState;
import dev.parley.app.service.JoinRequest;
import dev.parley.app.service.RoomSession;
import dev.parley.app.service.RoomUpdate;
import dev.parley.app.service.SourceSelection;
import dev.parley.app.service.TicketCheck;
import dev.parley.app.settings.SettingsStore;
import dev.parley.app.ui.common.FxUiExecutor;
import dev.parley.app.ui.common.Notification;
import dev.parley.app.ui.room.ChatLine;
import dev.parley.app.ui.room.RoomViewModel;
import dev.parley.app.ui.room.TileView;
import dev.parley.app.ui.room.TileViewModel;
import dev.parley.app.ui.start.StartViewModel;
import dev.parley.app.wiring.AppServices;
import dev.parley.app.wiring.MediaDeviceService;
import dev.parley.app.wiring.RoomsCallService;
import dev.parley.media.codec.VideoPreset;
import dev.parley.media.publish.PublishOptions;
import dev.parley.media.watch.WatchOptions;
import dev.parley.net.identity.IdentityStore;
import dev.parley.net.quic.EndpointConfig;
import javafx.collections.ListChangeListener;
import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.image.Image;
import javafx.scene.image.PixelReader;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.testfx.api.FxRobot;
import org.testfx.api.FxRobotInterface;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real window under Monocle on the real services: the window's call service and a second
 * in-process peer each run their own QUIC endpoint on loopback, publish the test pattern and tone
 * through FFmpeg, and meet through the ticket the window shows. Nothing here is an in-memory room.
 */
@ExtendWith(ApplicationExtension.class)
@Timeout(120)
class CallFxTest {
    /** Joining, first frames and catalog changes on two busy cores: generous, but only ever waited on. */
    private static final int WAIT_SECONDS = 30;

    // Per test: the window's settings, its identity, and the second peer's identity.
    @TempDir
    Path settingsDir;
    @TempDir
    Path windowIdentity;
    @TempDir
    Path peerIdentity;

    private final ExecutorService background = Executors.newVirtualThreadPerTaskExecutor();
    /** Every notification the window showed (they disappear after a few seconds on screen). */
    private final List<Notification> notifications = new CopyOnWriteArrayList<>();
    private RoomsCallService windowCalls;
    private MainWindow window;
    private RoomSession peer;
    private Peer bo;
    private final long created = System.nanoTime();
    private final Warnings warnings = new Warnings();

    /** Collects WARN and ERROR log lines, from any thread, while a test runs. */
    private static final class Warnings extends AppenderBase<ILoggingEvent> {
        final List<String> seen = new CopyOnWriteArrayList<>();

        @Override
        protected void append(ILoggingEvent e) {
            if (e.getLevel().isGreaterOrEqual(Level.WARN)) {
                seen.add(e.getLevel() + " " + e.getLoggerName() + ": " + e.getFormattedMessage()
                        + (e.getThrowableProxy() == null ? "" : " (" + e.getThrowableProxy().getMessage() + ")"));
            }
        }
    }

    @BeforeEach
    void listenToTheLog() {
        warnings.start();
        root().addAppender(warnings);
    }

    private static ch.qos.logback.classic.Logger root() {
        return (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    @Start
    void start(Stage stage) {
        windowCalls = calls(windowIdentity);
        AppServices services = new AppServices(windowCalls, new MediaDeviceService(), new HeadlessEngines());
        // testSource: the test pattern and tone whatever devices this machine has, as `parley gui --test-source`.
        GuiRequest request = new GuiRequest(null, false, null, null, true, false, 0);
        window = new MainWindow(services, new SettingsStore(settingsDir), request, new FxUiExecutor(), background);
        window.notifications().items().addListener((ListChangeListener<Notification>) c -> {
            while (c.next()) {
                notifications.addAll(c.getAddedSubList());
            }
        });
        stage.setScene(new Scene(window, 1280, 800));
        stage.show();
    }

    @AfterEach
    void stop() throws Exception {
        if (peer != null) {
            peer.close();
        }
        if (fx(() -> window.roomViewModel()) != null) {
            fx(() -> {
                window.roomViewModel().leave();
                return null;
            });
        }
        // The start screen starts its preview on the background executor: let that finish, stop it, and only
        // then shut the executor down (a task handed to it afterwards would be rejected on the FX thread).
        waitFx("start screen settled", () -> window.roomViewModel() == null && window.startViewModel() != null
                && !window.startViewModel().previewMessageProperty().get().startsWith("Starting"));
        fx(() -> {
            window.startViewModel().close();
            return null;
        });
        background.shutdown();
        assertThat(background.awaitTermination(10, TimeUnit.SECONDS)).as("background tasks finish").isTrue();
        root().detachAppender(warnings);
    }

    /**
     * The app's call service as {@code Wiring.services()} builds it, but with its identity in a test
     * folder, endpoints on 127.0.0.1 and only the 180p rendition (two cores run both peers' encoders).
     */
    private static RoomsCallService calls(Path identityDir) {
        IdentityStore store = new IdentityStore(identityDir, k -> null);
        return new RoomsCallService(new RoomsCallService.Config(() -> store.loadOrCreate("test"),
                id -> EndpointConfig.loopback(id).withIdleTimeout(Duration.ofSeconds(3)),
                PublishOptions.defaults().withPresets(VideoPreset.P180).withEncoder("libx264"),
                WatchOptions.defaults()));
    }

    @Test
    void aSecondPeerJoinsThroughTheWindowsTicketAndTheyTalk(FxRobot robot) throws Exception {
        // ---- the window creates a room ----
        waitFx("start screen ready", () -> window.startViewModel() != null && !window.startViewModel().cameras().isEmpty());
        clickOn(robot, "#displayName").write("Ada");
        clickOn(robot, "#newRoom");
        waitFx("room screen", () -> window.roomViewModel() != null && shown(robot, "#roomView"));
        RoomViewModel vm = fx(() -> window.roomViewModel());
        String selfId = fx(() -> vm.selfTile().id());
        TileView selfTile = tileView(robot, selfId).orElseThrow();
        waitFx("the self view shows the published camera", () -> selfTile.video().hasFrameProperty().get());
        assertThat(fx(() -> Picture.of(selfTile.video().imageView().getImage()).colourful())).isGreaterThan(0.05);

        // the ticket, as a user gets it: the copy button puts it on the clipboard
        clickOn(robot, "#copyTicket");
        String ticket = fx(() -> Clipboard.getSystemClipboard().getString());
        assertThat(ticket).startsWith("parley-room:").isEqualTo(fx(vm::ticket));
        assertThat(windowCalls.check(ticket)).isEqualTo(new TicketCheck.Valid(ticket));
        waitUntil("the copy is confirmed", () -> notifications.stream().anyMatch(n -> n.message().startsWith("Ticket copied")));
        // no click from here on lands on a tile: the focus goes to the room's stage for the shortcuts
        robot.interact(() -> window.lookup(".stage").requestFocus());

        // ---- a second peer joins through that ticket ----
        bo = new Peer();
        peer = calls(peerIdentity).join(ticket, new JoinRequest("Bo", SourceSelection.testSources()))
                .get(WAIT_SECONDS, TimeUnit.SECONDS);
        bo.listen(peer);
        String boId = peer.self().id();
        assertThat(boId).isNotEqualTo(selfId);
        bo.await("Bo sees Ada", e -> e instanceof RoomUpdate.ParticipantJoined j
                && j.participant().id().equals(selfId) && "Ada".equals(j.participant().displayName()));

        // its tile appears in the window, named, and shows the decoded test pattern
        waitFx("Bo's tile in the window", () -> tileView(robot, boId).isPresent());
        TileView boTile = tileView(robot, boId).orElseThrow();
        assertThat(fx(() -> boTile.viewModel().name())).isEqualTo("Bo");
        waitFx("a frame in Bo's tile", () -> boTile.video().hasFrameProperty().get() && boTile.video().isVisible());
        Picture first = fx(() -> Picture.of(boTile.video().imageView().getImage()));
        assertThat(first.colourful()).as("the colour bars of the test pattern, not a black or grey picture").isGreaterThan(0.05);
        assertThat(first.meanLuma()).as("mean brightness").isGreaterThan(30);
        long shownBefore = fx(() -> boTile.video().framesShown());
        waitFx("the picture moves", () -> boTile.video().framesShown() >= shownBefore + 10
                && Picture.of(boTile.video().imageView().getImage()).differsFrom(first));
        waitFx("Bo's tile has no placeholder", () -> !placeholderShown(boTile));
        assertThat(fx(() -> robot.from(boTile).lookup(".tile-name").queryAs(Label.class).getText())).isEqualTo("Bo");
        // and plays his test tone: the tile's level meter moves
        waitFx("Bo's level meter", () -> boTile.viewModel().levelProperty().get() > 0.1);

        // ---- chat both ways ----
        peer.chat().send("hello from Bo");
        waitFx("unread badge", () -> vm.chat().unreadProperty().get() == 1);
        Label badge = robot.from(window).lookup("#unreadBadge").queryAs(Label.class);
        assertThat(fx(() -> badge.isVisible() ? badge.getText() : "hidden")).isEqualTo("1");
        assertThat(fx(() -> lines(vm))).contains(new ChatLineView(ChatLine.Kind.OTHER, "Bo", "hello from Bo"));
        robot.type(KeyCode.C);
        waitFx("chat open, badge gone", () -> shown(robot, "#chatPanel") && !badge.isVisible());
        waitFx("Bo's name on his line", () -> robot.from(window).lookup(".chat-sender").queryAll().stream()
                .anyMatch(n -> n.isVisible() && "Bo".equals(((Label) n).getText())));
        // a fresh toast must not cover the chat input (it sat right over it; clicks went to the toast)
        clickOn(robot, "#copyTicket");
        waitFx("the toast", () -> shown(robot, ".toast"));
        assertThat(fx(() -> sceneBounds(robot.from(window).lookup(".toast").query())
                .intersects(sceneBounds(robot.from(window).lookup("#chatPanel").query()))))
                .as("toast over the chat panel").isFalse();
        clickOn(robot, "#chatInput");
        assertThat(fx(() -> window.getScene().getFocusOwner().getId())).isEqualTo("chatInput");
        robot.write("hi Bo").type(KeyCode.ENTER);
        waitFx("Ada's own line", () -> lines(vm).contains(new ChatLineView(ChatLine.Kind.SELF, "Ada", "hi Bo")));
        ChatEntry got = bo.awaitChat(m -> m.text().equals("hi Bo"));
        assertThat(got.senderName()).isEqualTo("Ada");
        assertThat(got.senderId()).isEqualTo(selfId);
        assertThat(got.fromSelf()).isFalse();
        @SuppressWarnings("unchecked")
        ListView<ChatLine> list = robot.from(window).lookup("#chatList").queryAs(ListView.class);
        assertThat(fx(() -> list.getItems().stream().map(ChatLine::text).toList())).contains("Bo joined", "hello from Bo", "hi Bo");
        // back out of the text field so the letters are shortcuts again, without clicking a tile
        robot.interact(() -> window.lookup(".stage").requestFocus());
        robot.type(KeyCode.C);
        waitFx("chat closed", () -> !shown(robot, "#chatPanel"));

        // ---- the window's toggles reach Bo through the catalog ----
        bo.await("Bo sees Ada unmuted with camera", changed(selfId, false, true));
        // Ada never muted before this point: the first state Bo saw must already say so (an empty catalog
        // before the first one arrived used to read as "muted, camera off" for a moment)
        assertThat(bo.events.stream().filter(e -> e instanceof RoomUpdate.ParticipantChanged c && c.id().equals(selfId))
                .findFirst())
                .hasValueSatisfying(c -> assertThat((RoomUpdate.ParticipantChanged) c)
                        .extracting(RoomUpdate.ParticipantChanged::muted, RoomUpdate.ParticipantChanged::cameraOn)
                        .containsExactly(false, true));
        robot.type(KeyCode.M);
        waitFx("mute button shows Unmute", () -> vm.micMutedProperty().get()
                && robot.from(window).lookup("#mute").queryAs(Button.class).getText().equals("Unmute"));
        bo.await("Bo sees Ada muted", changed(selfId, true, true));
        robot.type(KeyCode.V);
        waitFx("own camera off", () -> !vm.cameraOnProperty().get() && !selfTile.video().isVisible());
        bo.await("Bo sees Ada's camera off", changed(selfId, true, false));
        robot.type(KeyCode.M);
        robot.type(KeyCode.V);
        waitUntil("Bo sees Ada unmuted with camera again",
                () -> bo.latestFor(selfId).map(c -> !c.muted() && c.cameraOn()).orElse(false));

        // ---- Bo's toggles reach the window's tile ----
        waitFx("Bo shown unmuted", () -> boTile.viewModel().connectionProperty().get() == ConnectionState.CONNECTED
                && !boTile.viewModel().mutedProperty().get());
        Node muteIcon = robot.from(boTile).lookup(".mute-icon").query();
        assertThat(fx(muteIcon::isVisible)).isFalse();
        peer.setMicMuted(true);
        waitFx("Bo's mute icon", () -> boTile.viewModel().mutedProperty().get() && muteIcon.isVisible());
        peer.setCameraOn(false);
        Label placeholderText = robot.from(boTile).lookup(".tile-placeholder-text").queryAs(Label.class);
        waitFx("Bo's camera off", () -> !boTile.video().isVisible() && placeholderShown(boTile)
                && placeholderText.getText().equals("Camera off"));
        peer.setMicMuted(false);
        peer.setCameraOn(true);
        waitFx("Bo back on", () -> !muteIcon.isVisible() && boTile.video().isVisible() && !placeholderShown(boTile));

        // ---- D: the overlay shows measured numbers ----
        robot.type(KeyCode.D);
        waitFx("overlay open", () -> vm.statsVisibleProperty().get());
        waitFx("NET RTT, RENDER FPS and TIME latency on Bo's tile", () -> number(robot, boTile, "#stat-net-rtt") > 0
                && number(robot, boTile, "#stat-render-fps") > 0 && number(robot, boTile, "#stat-time-latency") > 0);
        waitFx("CAPTURE FPS on the self tile", () -> number(robot, selfTile, "#stat-capture-fps") > 0);
        double rtt = fx(() -> number(robot, boTile, "#stat-net-rtt"));
        double fps = fx(() -> number(robot, boTile, "#stat-render-fps"));
        double latency = fx(() -> number(robot, boTile, "#stat-time-latency"));
        System.out.printf("overlay over loopback: RTT %.2f ms, render %.1f fps, latency %.1f ms%n", rtt, fps, latency);
        assertThat(rtt).as("loopback RTT in ms").isLessThan(1000);
        assertThat(fps).as("render fps").isLessThan(100);
        assertThat(fx(() -> robot.from(boTile).lookup(".stats-overlay").query().isVisible())).isTrue();
        robot.type(KeyCode.D);
        waitFx("overlay closed", () -> !robot.from(boTile).lookup(".stats-overlay").query().isVisible());

        // ---- Bo leaves: his tile goes ----
        peer.close();
        peer = null;
        waitFx("Bo's tile gone", () -> tileView(robot, boId).isEmpty() && vm.remoteTiles().isEmpty());
        assertThat(fx(() -> lines(vm))).contains(new ChatLineView(ChatLine.Kind.SYSTEM, "", "Bo left"));

        // ---- the window leaves: back on the start screen, nothing went wrong ----
        clickOn(robot, "#leave");
        waitFx("start screen again", () -> window.roomViewModel() == null && window.startViewModel() != null
                && shown(robot, "#newRoom") && !shown(robot, "#roomView"));
        StartViewModel start = fx(() -> window.startViewModel());
        waitFx("the preview restarts", () -> start.previewFeedProperty().get() != null);
        assertThat(notifications).as("no error notification during the call").noneMatch(Notification::error);
        assertThat(warnings.seen).as("nothing logged at WARN or ERROR during the call").isEmpty();
        assertThat(fx(() -> start.displayNameProperty().get())).isEqualTo("Ada");
    }

    @Test
    void invalidTicketsShowTheParsersErrorInline(FxRobot robot) throws Exception {
        waitFx("start screen ready", () -> window.startViewModel() != null && !window.startViewModel().cameras().isEmpty());
        clickOn(robot, "#displayName").write("Ada");
        Label error = robot.from(window).lookup("#ticketError").queryAs(Label.class);
        assertThat(fx(error::isVisible)).isFalse();

        // a word that is not a ticket, pasted as users do: the real ticket parser's message
        clickOn(robot, "#ticket");
        paste(robot, "hello");
        clickOn(robot, "#join");
        String notATicket = ((TicketCheck.Invalid) windowCalls.check("hello")).reason();
        assertThat(notATicket).contains("parley-room:");
        waitFx("inline error", () -> error.isVisible() && error.getText().equals(notATicket));
        clickOn(robot, "#ticket").type(KeyCode.BACK_SPACE);
        waitFx("editing clears the error", () -> !error.isVisible() && window.startViewModel().ticketProperty().get().equals("hell"));

        // the right prefix with a broken body
        robot.push(KeyCode.SHORTCUT, KeyCode.A);
        paste(robot, "parley-room:***");
        waitFx("the pasted ticket", () -> window.startViewModel().ticketProperty().get().equals("parley-room:***"));
        clickOn(robot, "#join");
        String broken = ((TicketCheck.Invalid) windowCalls.check("parley-room:***")).reason();
        waitFx("inline error for the broken body", () -> error.isVisible() && error.getText().equals(broken));
        assertThat(broken).isNotEqualTo(notATicket);

        // no room was entered and nothing was started
        assertThat(fx(() -> window.roomViewModel())).isNull();
        assertThat(fx(() -> window.startViewModel().busyProperty().get())).isFalse();
        assertThat(notifications).noneMatch(Notification::error);
        assertThat(warnings.seen).as("nothing logged at WARN or ERROR").isEmpty();
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private static <T> T fx(Callable<T> c) throws Exception {
        return WaitForAsyncUtils.asyncFx(c).get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    /** Waits until the condition, evaluated on the FX thread, holds; the message names what did not happen. */
    private void waitFx(String what, Callable<Boolean> condition) throws Exception {
        waitUntil(what, () -> fx(condition));
    }

    private void waitUntil(String what, Callable<Boolean> condition) throws Exception {
        long start = System.nanoTime();
        try {
            WaitForAsyncUtils.waitFor(WAIT_SECONDS, TimeUnit.SECONDS, condition);
        } catch (TimeoutException e) {
            throw new AssertionError("not within " + WAIT_SECONDS + " s: " + what + "\n" + state(), e);
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        if (ms >= 2000) {
            System.out.printf("CallFxTest: at %,d ms into the test, waited %,d ms until %s%n",
                    (System.nanoTime() - created) / 1_000_000, ms, what);
        }
    }

    /** What the window and the second peer saw, for failure messages. */
    private String state() {
        String room;
        try {
            room = fx(() -> window.roomViewModel() == null ? "(not in a room)" : lines(window.roomViewModel())
                    + ", draft '" + window.roomViewModel().chat().draftProperty().get() + "', focus "
                    + window.getScene().getFocusOwner() + ", remote tiles "
                    + window.roomViewModel().remoteTiles().stream().map(TileViewModel::id).toList() + ", tile nodes "
                    + window.lookupAll(".tile").stream().map(n -> n.getId() + " in " + n.getParent()).toList());
        } catch (Exception e) {
            room = "(unreadable: " + e + ")";
        }
        return "window chat: " + room + "\nnotifications: " + notifications + "\nwarnings logged: " + warnings.seen
                + (bo == null ? "" : "\npeer events: " + bo.events + "\npeer chat: " + bo.chat);
    }

    /**
     * Clicks a node of this test's window once it is laid out where it is shown: a node made visible a
     * moment ago still sits at its old place until the next layout pass, and the click would land there.
     */
    private FxRobotInterface clickOn(FxRobot robot, String query) throws Exception {
        waitFx(query + " laid out", () -> robot.from(window).lookup(query).tryQuery().map(CallFxTest::placed).orElse(false));
        return robot.clickOn(robot.from(window).lookup(query).<Node>query());
    }

    private static boolean placed(Node n) {
        if (n.getScene() == null || n.getLayoutBounds().getWidth() <= 0 || n.getLayoutBounds().getHeight() <= 0) {
            return false;
        }
        for (Node p = n; p != null; p = p.getParent()) {
            if (!p.isVisible() || p instanceof Parent parent && parent.isNeedsLayout()) {
                return false;
            }
        }
        return true;
    }

    /** Pastes text into the focused field through the system clipboard (typing it costs a round trip per key). */
    private static void paste(FxRobot robot, String text) throws Exception {
        fx(() -> {
            ClipboardContent content = new ClipboardContent();
            content.putString(text);
            return Clipboard.getSystemClipboard().setContent(content);
        });
        robot.push(KeyCode.SHORTCUT, KeyCode.V);
    }

    private static Bounds sceneBounds(Node n) {
        return n.localToScene(n.getBoundsInLocal());
    }

    /** True when a node matching the query is in this test's window and visible. */
    private boolean shown(FxRobot robot, String query) {
        return robot.from(window).lookup(query).tryQuery().map(Node::isVisible).orElse(false);
    }

    /** The tile of a participant in this test's window (not in a window another test left behind). */
    private Optional<TileView> tileView(FxRobot robot, String id) {
        return robot.from(window).lookup("#tile-" + id).tryQuery().map(TileView.class::cast);
    }

    private static boolean placeholderShown(TileView tile) {
        return tile.lookup(".tile-placeholder").isVisible();
    }

    /** The number in a stats label such as {@code "0.42 ms"}; NaN while it shows "-". */
    private static double number(FxRobot robot, Node tile, String query) {
        String text = robot.from(tile).lookup(query).queryAs(Label.class).getText();
        String first = text.strip().split(" ")[0];
        try {
            return Double.parseDouble(first);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private record ChatLineView(ChatLine.Kind kind, String sender, String text) {}

    private static List<ChatLineView> lines(RoomViewModel vm) {
        return vm.chat().lines().stream().map(l -> new ChatLineView(l.kind(), l.sender(), l.text())).toList();
    }

    private static Predicate<RoomUpdate> changed(String id, boolean muted, boolean cameraOn) {
        return e -> e instanceof RoomUpdate.ParticipantChanged c && c.id().equals(id) && c.muted() == muted
                && c.cameraOn() == cameraOn;
    }

    /** What the second peer sees: its room events and chat, collected from its service threads. */
    private final class Peer {
        final List<RoomUpdate> events = new CopyOnWriteArrayList<>();
        final List<ChatEntry> chat = new CopyOnWriteArrayList<>();

        void listen(RoomSession s) {
            s.subscribe(events::add);
            s.chat().subscribe(chat::add);
        }

        void await(String what, Predicate<RoomUpdate> p) throws Exception {
            waitUntil(what, () -> events.stream().anyMatch(p));
        }

        /** The newest media state reported for a participant. */
        Optional<RoomUpdate.ParticipantChanged> latestFor(String id) {
            RoomUpdate.ParticipantChanged last = null;
            for (RoomUpdate e : events) {
                if (e instanceof RoomUpdate.ParticipantChanged c && c.id().equals(id)) {
                    last = c;
                }
            }
            return Optional.ofNullable(last);
        }

        ChatEntry awaitChat(Predicate<ChatEntry> p) throws Exception {
            waitUntil("a chat message at the peer", () -> chat.stream().anyMatch(p));
            return chat.stream().filter(p).findFirst().orElseThrow();
        }
    }

    /**
     * A sample of a shown image (every 4th pixel each way), read through its {@link PixelReader}: what
     * share is clearly coloured, how bright it is, and whether another sample differs from it.
     */
    private record Picture(int[] argb) {
        static Picture of(Image image) {
            PixelReader r = image.getPixelReader();
            int w = (int) image.getWidth();
            int h = (int) image.getHeight();
            int[] samples = new int[(w / 4) * (h / 4)];
            int i = 0;
            for (int y = 0; y + 4 <= h; y += 4) {
                for (int x = 0; x + 4 <= w; x += 4) {
                    samples[i++] = r.getArgb(x, y);
                }
            }
            return new Picture(samples);
        }

        /** Share of samples whose strongest and weakest channels are far apart (colour bars). */
        double colourful() {
            int n = 0;
            for (int p : argb) {
                int red = (p >> 16) & 0xFF;
                int green = (p >> 8) & 0xFF;
                int blue = p & 0xFF;
                if (Math.max(red, Math.max(green, blue)) - Math.min(red, Math.min(green, blue)) > 80) {
                    n++;
                }
            }
            return n / (double) argb.length;
        }

        double meanLuma() {
            double sum = 0;
            for (int p : argb) {
                sum += 0.299 * ((p >> 16) & 0xFF) + 0.587 * ((p >> 8) & 0xFF) + 0.114 * (p & 0xFF);
            }
            return sum / argb.length;
        }

        /** True when at least 5% of the samples changed (the pattern scrolls sideways). */
        boolean differsFrom(Picture other) {
            if (other.argb.length != argb.length) {
                return true;
            }
            int changed = 0;
            for (int i = 0; i < argb.length; i++) {
                if (argb[i] != other.argb[i]) {
                    changed++;
                }
            }
            return changed > argb.length / 20;
        }
    }
}
