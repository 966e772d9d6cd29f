package dev.parley.rooms;

import dev.parley.rooms.RelayMembership.Action;
import dev.parley.rooms.RelayMembership.Event;
import dev.parley.rooms.relay.RelayPaths;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link RelayMembership} driven with a virtual clock and a timer queue: announces in, presence and
 * subscriptions out, across a relay session that drops and comes back.
 */
class RelayMembershipTest {
    static final RelayPaths.Participant ALICE = new RelayPaths.Participant("a".repeat(64));
    static final RelayPaths.Participant BROWSER = new RelayPaths.Participant("browser-1234");

    static final class Sim {
        final RelayMembership m = new RelayMembership(3_000, 15_000);
        final List<Action> actions = new ArrayList<>();
        final PriorityQueue<long[]> timers = new PriorityQueue<>((a, b) -> Long.compare(a[0], b[0]));
        final List<Event.Timer> timerEvents = new ArrayList<>();
        long now;

        List<Action> on(Event e) {
            List<Action> out = m.on(e);
            for (Action a : out) {
                if (a instanceof Action.Schedule s) {
                    timerEvents.add(s.timer());
                    timers.add(new long[] {now + s.delayMs(), timerEvents.size() - 1});
                }
            }
            actions.addAll(out);
            return out;
        }

        void runUntil(long t) {
            while (!timers.isEmpty() && timers.peek()[0] <= t) {
                long[] next = timers.poll();
                now = next[0];
                on(timerEvents.get((int) next[1]));
            }
            now = t;
        }

        List<Action> announce(RelayPaths.Participant p, String name, boolean active) {
            return on(new Event.Announced(p, name, active));
        }
    }

    @Test
    void aCameraOrRoomFeedMakesAParticipantPresentAndItsOtherBroadcastsFollow() {
        Sim s = new Sim();
        assertThat(s.on(new Event.RelayUp())).containsExactly(new Action.RoomLink(LinkState.CONNECTED));
        assertThat(s.announce(ALICE, "screen", true)).as("not present yet: nothing").isEmpty();
        assertThat(s.announce(ALICE, "room", true)).containsExactly(new Action.Joined(ALICE),
                new Action.Link(ALICE, LinkState.CONNECTED), new Action.Subscribe(ALICE, "screen"), new Action.Subscribe(ALICE, "room"));
        assertThat(s.announce(ALICE, "camera", true)).containsExactly(new Action.Subscribe(ALICE, "camera"));
        assertThat(s.announce(ALICE, "camera", true)).as("a repeated announce changes nothing").isEmpty();
        assertThat(s.announce(ALICE, "screen", false)).containsExactly(new Action.Unsubscribe(ALICE, "screen"));
        // a browser: only a camera
        assertThat(s.announce(BROWSER, "camera", true)).containsExactly(new Action.Joined(BROWSER),
                new Action.Link(BROWSER, LinkState.CONNECTED), new Action.Subscribe(BROWSER, "camera"));
        assertThat(s.m.present()).containsExactly(ALICE, BROWSER);
        assertThat(s.announce(BROWSER, "camera", false)).containsExactly(new Action.Unsubscribe(BROWSER, "camera"),
                new Action.Left(BROWSER, RoomEvent.LeaveReason.LEFT));
        assertThat(s.announce(ALICE, "camera", false)).containsExactly(new Action.Unsubscribe(ALICE, "camera"));
        assertThat(s.announce(ALICE, "room", false)).containsExactly(new Action.Unsubscribe(ALICE, "room"),
                new Action.Left(ALICE, RoomEvent.LeaveReason.LEFT));
        assertThat(s.m.present()).isEmpty();
    }

    @Test
    void aRelayDropKeepsParticipantsReconnectingAndTheResyncDropsWhoDidNotComeBack() {
        Sim s = new Sim();
        s.on(new Event.RelayUp());
        s.announce(ALICE, "camera", true);
        s.announce(ALICE, "room", true);
        s.announce(BROWSER, "camera", true);
        s.now = 1_000;
        List<Action> down = s.on(new Event.RelayDown());
        assertThat(down).contains(new Action.Unsubscribe(ALICE, "camera"), new Action.Unsubscribe(ALICE, "room"),
                new Action.Link(ALICE, LinkState.RECONNECTING), new Action.Link(BROWSER, LinkState.RECONNECTING),
                new Action.RoomLink(LinkState.RECONNECTING));
        assertThat(s.m.present()).as("still present while the relay is away").containsExactly(ALICE, BROWSER);
        s.runUntil(3_000);
        assertThat(s.on(new Event.RelayUp())).containsExactly(new Action.RoomLink(LinkState.CONNECTED),
                new Action.Schedule(3_000, new Event.Timer(Event.Kind.RESYNC, 3)));
        // the give-up timer of the down period is stale now
        // the relay re-announces Alice only
        assertThat(s.announce(ALICE, "camera", true)).containsExactly(new Action.Link(ALICE, LinkState.CONNECTED),
                new Action.Subscribe(ALICE, "camera"));
        assertThat(s.announce(ALICE, "room", true)).containsExactly(new Action.Subscribe(ALICE, "room"));
        s.runUntil(6_000);
        assertThat(s.actions).contains(new Action.Left(BROWSER, RoomEvent.LeaveReason.FAILED));
        assertThat(s.actions).doesNotContain(new Action.Left(ALICE, RoomEvent.LeaveReason.FAILED));
        s.runUntil(60_000);
        assertThat(s.m.present()).containsExactly(ALICE);
    }

    @Test
    void aRelayThatStaysAwayEndsEveryoneAfterTheGiveUpTime() {
        Sim s = new Sim();
        s.on(new Event.RelayUp());
        s.announce(ALICE, "camera", true);
        s.on(new Event.RelayDown());
        s.runUntil(14_999);
        assertThat(s.m.present()).containsExactly(ALICE);
        s.runUntil(15_000);
        assertThat(s.m.present()).isEmpty();
        assertThat(s.actions).contains(new Action.Left(ALICE, RoomEvent.LeaveReason.FAILED), new Action.RoomLink(LinkState.CONNECTED));
        assertThat(s.announce(ALICE, "camera", true)).as("news from a session that is down is stale").isEmpty();
    }

    @Test
    void pathsFollowTheContract() {
        assertThat(RelayPaths.parse("browser-1234/camera")).contains(new RelayPaths.Named(BROWSER, "camera"));
        assertThat(RelayPaths.parse(ALICE.id() + "/room")).map(n -> n.participant().isParley()).contains(true);
        assertThat(RelayPaths.parse("short/camera")).as("participant ids have 8 to 64 characters").isEmpty();
        assertThat(RelayPaths.parse("UPPERCASE-id/camera")).isEmpty();
        assertThat(RelayPaths.parse("browser-1234/camera/extra")).isEmpty();
        assertThat(RelayPaths.parse("camera")).isEmpty();
        assertThat(BROWSER.isParley()).isFalse();
        assertThat(BROWSER.endpointId()).as("a stable stand-in id").isEqualTo(new RelayPaths.Participant("browser-1234").endpointId());
        assertThat(ALICE.endpointId().hex()).isEqualTo(ALICE.id());
        assertThat(RelayPaths.roomScope(dev.parley.rooms.gossip.wire.TopicId.of(new byte[32]))).isEqualTo("parley/rooms/" + "00".repeat(32));
    }

    @Test
    void aBrowsersNameIsItsCatalogsUserName() {
        assertThat(ParticipantNames.catalogUserName("{\"video\":{},\"user\":{\"name\":\"  Carla \"}}".getBytes())).isEqualTo("Carla");
        assertThat(ParticipantNames.catalogUserName("{\"video\":{}}".getBytes())).isNull();
        assertThat(ParticipantNames.catalogUserName("{\"user\":{\"name\":7}}".getBytes())).isNull();
        assertThat(ParticipantNames.catalogUserName("not json".getBytes())).isNull();
        String longName = "é".repeat(100);
        assertThat(ParticipantNames.catalogUserName(("{\"user\":{\"name\":\"" + longName + "\"}}").getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .getBytes(java.nio.charset.StandardCharsets.UTF_8)).hasSizeLessThanOrEqualTo(dev.parley.rooms.presence.PeerState.MAX_NAME_BYTES);
    }
}
