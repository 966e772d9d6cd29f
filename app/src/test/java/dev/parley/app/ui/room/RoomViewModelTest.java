package dev.parley.app.ui.room;

import dev.parley.app.service.ChatEntry;
import dev.parley.app.service.ConnectionState;
import dev.parley.app.service.LinkQuality;
import dev.parley.app.service.RoomUpdate;
import dev.parley.app.service.StatsSnapshot;
import dev.parley.app.testing.FakeParticipant;
import dev.parley.app.testing.FakeRoomSession;
import dev.parley.app.testing.RecordingNotifier;
import dev.parley.app.ui.common.DirectUiExecutor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RoomViewModelTest {
    private final FakeRoomSession session = new FakeRoomSession("roomticket");
    private final RecordingNotifier notifier = new RecordingNotifier();
    private final List<Boolean> pipSaved = new ArrayList<>();
    private final Clock clock = Clock.fixed(Instant.parse("2026-01-01T09:30:00Z"), ZoneOffset.UTC);
    private int leftCalls;
    private RoomViewModel vm;

    @BeforeEach
    void open() {
        vm = new RoomViewModel(session, false, false, new DirectUiExecutor(), Runnable::run, notifier, clock,
                pipSaved::add, () -> leftCalls++);
    }

    @Test
    void joinsAndLeavesBuildTheGridAndChatSystemLines() {
        FakeParticipant bo = FakeParticipant.remote("b0", "Bo");
        session.emit(new RoomUpdate.ParticipantJoined(bo));
        session.emit(new RoomUpdate.ParticipantJoined(bo));
        assertThat(vm.gridTiles()).extracting(TileViewModel::id).containsExactly("self", "b0");
        assertThat(vm.selfTile().name()).isEqualTo("Me (you)");
        session.emit(new RoomUpdate.ParticipantLeft("b0"));
        assertThat(vm.gridTiles()).extracting(TileViewModel::id).containsExactly("self");
        assertThat(vm.chat().lines()).extracting(ChatLine::text).containsExactly("Bo joined", "Bo left");
        assertThat(vm.chat().lines()).allMatch(l -> l.kind() == ChatLine.Kind.SYSTEM && l.time().equals("09:30"));
    }

    @Test
    void gridListenersKeepHearingJoinsAfterGarbageCollection() throws Exception {
        // The view listens on gridTiles() once; a read-only view made per call listens to the real list
        // only weakly, so after a GC such a listener went quiet and joined tiles never appeared.
        java.util.concurrent.atomic.AtomicInteger changes = new java.util.concurrent.atomic.AtomicInteger();
        vm.gridTiles().addListener((javafx.collections.ListChangeListener<TileViewModel>) c -> changes.incrementAndGet());
        vm.remoteTiles().addListener((javafx.collections.ListChangeListener<TileViewModel>) c -> changes.incrementAndGet());
        for (int i = 0; i < 5; i++) {
            byte[][] garbage = new byte[64][];
            for (int j = 0; j < garbage.length; j++) {
                garbage[j] = new byte[64 * 1024];
            }
            System.gc();
            Thread.sleep(20);
        }
        session.emit(new RoomUpdate.ParticipantJoined(FakeParticipant.remote("b0", "Bo")));
        assertThat(changes.get()).as("both lists still report the join").isEqualTo(2);
        assertThat(vm.gridTiles()).isSameAs(vm.gridTiles());
    }

    @Test
    void pictureInPictureTakesTheSelfTileOutOfTheGridAndIsRemembered() {
        session.emit(new RoomUpdate.ParticipantJoined(FakeParticipant.remote("b0", "Bo")));
        vm.togglePictureInPicture();
        assertThat(vm.gridTiles()).extracting(TileViewModel::id).containsExactly("b0");
        assertThat(pipSaved).containsExactly(true);
    }

    @Test
    void recordingAndEchoCancellationTogglesReachTheSession() {
        java.nio.file.Path dir = java.nio.file.Path.of("recs");
        vm.setRecordingsDir(dir);
        vm.toggleRecording();
        assertThat(vm.recordingProperty().get()).isTrue();
        vm.toggleRecording();
        assertThat(vm.recordingProperty().get()).isFalse();
        vm.toggleEchoCancellation();
        assertThat(vm.echoCancellationProperty().get()).isFalse();
        assertThat(session.calls).containsExactly("record=recs", "record=null", "echo=false");
    }

    @Test
    void controlsReachTheSession() {
        vm.toggleMute();
        vm.toggleCamera();
        vm.toggleScreenShare();
        assertThat(session.calls).containsExactly("mic-muted=true", "camera=false", "screen=true");
        assertThat(vm.micMutedProperty().get()).isTrue();
        assertThat(vm.selfTile().mutedProperty().get()).isTrue();
        assertThat(vm.selfTile().cameraOnProperty().get()).isFalse();
        vm.toggleStats();
        vm.toggleChat();
        assertThat(vm.statsVisibleProperty().get()).isTrue();
        assertThat(vm.chat().openProperty().get()).isTrue();
    }

    @Test
    void aFailedControlIsUndoneAndExplained() {
        session.failScreenShare = true;
        vm.toggleScreenShare();
        assertThat(vm.screenSharingProperty().get()).isFalse();
        assertThat(notifier.errors).containsExactly("Could not share the screen: No screen can be captured on this machine.");
    }

    @Test
    void participantStateAndReconnectingBanner() {
        session.emit(new RoomUpdate.ParticipantJoined(FakeParticipant.remote("b0", "Bo")));
        TileViewModel bo = vm.tile("b0").orElseThrow();
        assertThat(bo.connectionTextProperty().get()).isEqualTo("connecting…");
        session.emit(new RoomUpdate.ParticipantChanged("b0", true, true, ConnectionState.CONNECTED));
        assertThat(bo.mutedProperty().get()).isTrue();
        assertThat(bo.connectionTextProperty().get()).isEmpty();
        session.emit(new RoomUpdate.ParticipantChanged("b0", true, true, ConnectionState.RECONNECTING));
        assertThat(bo.connectionTextProperty().get()).isEqualTo("reconnecting…");
        session.emit(new RoomUpdate.SelfConnectionChanged(ConnectionState.RECONNECTING));
        assertThat(vm.bannerProperty().get()).contains("Reconnecting");
        session.emit(new RoomUpdate.SelfConnectionChanged(ConnectionState.CONNECTED));
        assertThat(vm.bannerProperty().get()).isEmpty();
        assertThat(bo.viaRelayProperty().get()).isFalse();
        session.emit(new RoomUpdate.ParticipantRoute("b0", true));
        assertThat(bo.viaRelayProperty().get()).as("the tile shows the relay").isTrue();
        session.emit(new RoomUpdate.ParticipantRoute("b0", false));
        assertThat(bo.viaRelayProperty().get()).isFalse();
        assertThat(vm.mode()).isEqualTo("Peer to peer");
        session.emit(new RoomUpdate.Notice("Bo's video stalled", true));
        assertThat(notifier.errors).containsExactly("Bo's video stalled");
    }

    @Test
    void largeViewHidesOtherTilesSoTheyAskForNoVideo() {
        FakeParticipant bo = FakeParticipant.remote("b0", "Bo");
        FakeParticipant cy = FakeParticipant.remote("c0", "Cy");
        session.emit(new RoomUpdate.ParticipantJoined(bo));
        session.emit(new RoomUpdate.ParticipantJoined(cy));
        vm.tile("b0").orElseThrow().reportSize(640, 360);
        vm.tile("c0").orElseThrow().reportSize(640, 360);
        assertThat(cy.feed.viewportHeight).isEqualTo(360);
        vm.toggleFocus(vm.tile("b0").orElseThrow());
        assertThat(cy.feed.viewportWidth).isZero();
        assertThat(cy.feed.viewportHeight).isZero();
        assertThat(bo.feed.viewportHeight).isEqualTo(360);
        vm.toggleFocus(vm.tile("b0").orElseThrow());
        assertThat(cy.feed.viewportHeight).isEqualTo(360);
    }

    @Test
    void activeSpeakerFollowsTheLoudestWithHold() {
        FakeParticipant bo = FakeParticipant.remote("b0", "Bo");
        FakeParticipant cy = FakeParticipant.remote("c0", "Cy");
        session.emit(new RoomUpdate.ParticipantJoined(bo));
        session.emit(new RoomUpdate.ParticipantJoined(cy));
        long t = 0;
        bo.level = 0.6;
        for (int i = 0; i < 10; i++) {
            vm.pulse(t += 16_000_000);
        }
        TileViewModel boTile = vm.tile("b0").orElseThrow();
        assertThat(vm.activeSpeakerProperty().get()).isSameAs(boTile);
        assertThat(boTile.speakingProperty().get()).isTrue();
        bo.level = 0;
        vm.pulse(t += 16_000_000);
        assertThat(vm.activeSpeakerProperty().get()).as("held through a short pause").isSameAs(boTile);
        cy.level = 0.9;
        for (int i = 0; i < 10; i++) {
            vm.pulse(t += 16_000_000);
        }
        assertThat(vm.activeSpeakerProperty().get()).isSameAs(vm.tile("c0").orElseThrow());
        assertThat(boTile.speakingProperty().get()).isFalse();
        cy.level = 0;
        for (int i = 0; i < 200; i++) {
            vm.pulse(t += 16_000_000);
        }
        assertThat(vm.activeSpeakerProperty().get()).isNull();
    }

    /** Pulses at 60 Hz for {@code millis}; returns the new time. */
    private long pulseFor(long t, long millis) {
        for (long end = t + millis * 1_000_000; t < end; ) {
            vm.pulse(t += 16_666_667);
        }
        return t;
    }

    @Test
    void speakingStartsAboveTheStartLevelAndLastsDownToTheStopLevel() {
        FakeParticipant bo = FakeParticipant.remote("b0", "Bo");
        session.emit(new RoomUpdate.ParticipantJoined(bo));
        TileViewModel boTile = vm.tile("b0").orElseThrow();
        long t = 1_000_000_000L;
        bo.level = 0.3; // between STOP and START: room noise, not a voice yet
        t = pulseFor(t, 2000);
        assertThat(vm.activeSpeakerProperty().get()).isNull();
        bo.level = 0.5;
        t = pulseFor(t, 50);
        assertThat(vm.activeSpeakerProperty().get()).as("a voice is highlighted at once").isSameAs(boTile);
        bo.level = 0.3;
        t = pulseFor(t, 5000);
        assertThat(vm.activeSpeakerProperty().get()).as("still speaking above the stop level").isSameAs(boTile);
        bo.level = 0.1;
        t = pulseFor(t, 1000);
        assertThat(vm.activeSpeakerProperty().get()).as("held through a pause").isSameAs(boTile);
        bo.level = 0.3;
        t = pulseFor(t, 100);
        assertThat(vm.activeSpeakerProperty().get()).as("the pause ended within the hold").isSameAs(boTile);
        bo.level = 0.1;
        pulseFor(t, 1500);
        assertThat(vm.activeSpeakerProperty().get()).as("gone quiet longer than the hold").isNull();
        assertThat(boTile.speakingProperty().get()).isFalse();
    }

    @Test
    void anotherVoiceTakesOverOnlyWhenClearlyLouderForAWhile() {
        FakeParticipant bo = FakeParticipant.remote("b0", "Bo");
        FakeParticipant cy = FakeParticipant.remote("c0", "Cy");
        session.emit(new RoomUpdate.ParticipantJoined(bo));
        session.emit(new RoomUpdate.ParticipantJoined(cy));
        TileViewModel boTile = vm.tile("b0").orElseThrow();
        TileViewModel cyTile = vm.tile("c0").orElseThrow();
        long t = 1_000_000_000L;
        bo.level = 0.5;
        t = pulseFor(t, 100);
        assertThat(vm.activeSpeakerProperty().get()).isSameAs(boTile);
        cy.level = 0.58; // louder, but by less than the margin
        t = pulseFor(t, 3000);
        assertThat(vm.activeSpeakerProperty().get()).as("slightly louder does not take over").isSameAs(boTile);
        cy.level = 0.8; // a laugh: much louder, but short
        t = pulseFor(t, 200);
        cy.level = 0.58;
        t = pulseFor(t, 500);
        assertThat(vm.activeSpeakerProperty().get()).as("a short burst does not take over").isSameAs(boTile);
        cy.level = 0.8;
        t = pulseFor(t, 400);
        assertThat(vm.activeSpeakerProperty().get()).as("clearly louder for a while takes over").isSameAs(cyTile);
        assertThat(cyTile.speakingProperty().get()).isTrue();
        assertThat(boTile.speakingProperty().get()).isFalse();
        cy.level = 0.58;
        pulseFor(t, 3000);
        assertThat(vm.activeSpeakerProperty().get()).as("and keeps it against a slightly quieter voice").isSameAs(cyTile);
    }

    @Test
    void aMutedTileNeverSpeaks() {
        FakeParticipant bo = FakeParticipant.remote("b0", "Bo");
        session.emit(new RoomUpdate.ParticipantJoined(bo));
        session.emit(new RoomUpdate.ParticipantChanged("b0", true, true, ConnectionState.CONNECTED));
        bo.level = 0.9;
        pulseFor(1_000_000_000L, 500);
        assertThat(vm.activeSpeakerProperty().get()).isNull();
        assertThat(vm.tile("b0").orElseThrow().levelProperty().get()).isZero();
    }

    @Test
    void statsAreSampledEvery200msAndDriveTheQualityDot() {
        FakeParticipant bo = FakeParticipant.remote("b0", "Bo");
        session.emit(new RoomUpdate.ParticipantJoined(bo));
        bo.stats = new StatsSnapshot(new StatsSnapshot.Net(false, "127.0.0.1:1", 12, 0, 1, 1), null, null, null);
        vm.pulse(1_000_000_000L);
        TileViewModel t = vm.tile("b0").orElseThrow();
        assertThat(t.qualityProperty().get()).isEqualTo(LinkQuality.GOOD);
        assertThat(t.stats().revisionProperty().get()).isEqualTo(1);
        vm.pulse(1_100_000_000L);
        assertThat(t.stats().revisionProperty().get()).isEqualTo(1);
        vm.pulse(1_200_000_000L);
        assertThat(t.stats().revisionProperty().get()).isEqualTo(2);
    }

    @Test
    void copyTicketUsesTheGivenClipboard() {
        List<String> clipboard = new ArrayList<>();
        vm.copyTicket(clipboard::add);
        assertThat(clipboard).containsExactly("roomticket");
        assertThat(notifier.infos).hasSize(1);
    }

    @Test
    void leaveClosesEverythingOnce() {
        vm.leave();
        vm.leave();
        assertThat(session.closed).isTrue();
        assertThat(session.listenerCount()).isZero();
        assertThat(session.chat.listenerCount()).isZero();
        assertThat(leftCalls).isEqualTo(1);
        session.emit(new RoomUpdate.ParticipantJoined(FakeParticipant.remote("late", "Late")));
        assertThat(vm.remoteTiles()).isEmpty();
    }

    @Test
    void chatUnreadCountsOnlyOthersWhileClosed() {
        session.chat.deliver(new ChatEntry("b0", "Bo", "hi", Instant.now(), false));
        vm.chat().draftProperty().set("  hello  ");
        vm.chat().send();
        assertThat(session.chat.sent).containsExactly("hello");
        assertThat(vm.chat().draftProperty().get()).isEmpty();
        assertThat(vm.chat().unreadProperty().get()).isEqualTo(1);
        vm.toggleChat();
        assertThat(vm.chat().unreadProperty().get()).isZero();
        session.chat.deliver(new ChatEntry("b0", "Bo", "again", Instant.now(), false));
        assertThat(vm.chat().unreadProperty().get()).isZero();
        assertThat(vm.chat().lines()).extracting(ChatLine::kind)
                .containsExactly(ChatLine.Kind.OTHER, ChatLine.Kind.SELF, ChatLine.Kind.OTHER);
    }

    @Test
    void chatRefusesBlankAndOverlongDraftsAndKeeps200Lines() {
        vm.chat().draftProperty().set("   ");
        vm.chat().send();
        vm.chat().draftProperty().set("x".repeat(ChatViewModel.MAX_LENGTH + 1));
        vm.chat().send();
        assertThat(session.chat.sent).isEmpty();
        assertThat(vm.chat().draftProperty().get()).hasSize(ChatViewModel.MAX_LENGTH + 1);
        assertThat(vm.chat().lines().getLast().text()).contains("limit is 2000");
        for (int i = 0; i < 250; i++) {
            session.chat.deliver(new ChatEntry("b0", "Bo", "m" + i, Instant.now(), false));
        }
        assertThat(vm.chat().lines()).hasSize(ChatViewModel.MAX_LINES);
        assertThat(vm.chat().lines().getLast().text()).isEqualTo("m249");
    }

    private static final dev.parley.app.service.DeviceChoice USB_MIC =
            new dev.parley.app.service.DeviceChoice("microphone:usb", "USB mic", false);
    private static final dev.parley.app.service.DeviceChoice HEADPHONES =
            new dev.parley.app.service.DeviceChoice("speaker:Headphones", "Headphones", false);

    @Test
    void devicePickersListWhatIsThereAndSwitchWithoutLeaving() {
        vm.setDevices(() -> new dev.parley.app.service.DeviceList(List.of(), List.of(USB_MIC), List.of(), List.of(HEADPHONES)),
                dev.parley.app.service.DeviceChoice.TEST_PATTERN, dev.parley.app.service.DeviceChoice.TEST_TONE);
        assertThat(vm.microphones()).containsExactly(dev.parley.app.service.DeviceChoice.TEST_TONE, USB_MIC);
        assertThat(vm.speakers()).containsExactly(dev.parley.app.service.DeviceChoice.DEFAULT_SPEAKER, HEADPHONES);
        assertThat(vm.cameras()).containsExactly(dev.parley.app.service.DeviceChoice.TEST_PATTERN);
        vm.chooseMicrophone(USB_MIC);
        vm.chooseMicrophone(USB_MIC); // the same again: nothing to do
        vm.chooseSpeaker(HEADPHONES);
        vm.chooseCamera(dev.parley.app.service.DeviceChoice.TEST_PATTERN); // already in use
        assertThat(session.calls).containsExactly("microphone=microphone:usb", "speaker=speaker:Headphones");
        assertThat(vm.microphoneProperty().get()).isEqualTo(USB_MIC);
        assertThat(session.closed).as("no rejoin").isFalse();
    }

    @Test
    void aFailedSwitchGoesBackAndSaysWhyAndAFallbackNoticeIsAnError() {
        vm.setDevices(() -> new dev.parley.app.service.DeviceList(List.of(), List.of(USB_MIC), List.of()),
                dev.parley.app.service.DeviceChoice.TEST_PATTERN, dev.parley.app.service.DeviceChoice.TEST_TONE);
        session.failSwitch = "microphone 'usb' is not available (busy)";
        vm.chooseMicrophone(USB_MIC);
        assertThat(vm.microphoneProperty().get()).isEqualTo(dev.parley.app.service.DeviceChoice.TEST_TONE);
        assertThat(notifier.errors).anyMatch(m -> m.startsWith("Could not switch the microphone") && m.contains("busy"));
        // what a session sends when the device in use is unplugged mid-call
        session.emit(new RoomUpdate.Notice("Microphone \"USB mic\" stopped (no audio for 1000 ms: unplugged?); now using \"silence (no microphone)\".", true));
        assertThat(notifier.errors).anyMatch(m -> m.contains("unplugged?"));
    }
}
