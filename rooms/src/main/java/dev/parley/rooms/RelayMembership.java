package dev.parley.rooms;

import dev.parley.rooms.relay.RelayPaths;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Membership of a room through a moq-lite relay, as a pure state machine: {@link #on} takes an
 * {@link Event} (the relay session's announces in the room scope, the session going up or down, timers
 * coming back) and returns the {@link Action}s the driver carries out. No threads, clocks or I/O.
 *
 * <p>A participant is present while it announces {@value #CAMERA} or {@value #ROOM} (a browser has
 * only {@code camera}). Its other broadcasts are subscribed while it is present and the relay is up.
 * When the relay session drops, every present participant is RECONNECTING and its subscriptions end;
 * after {@code giveUpMs} still down they leave (FAILED). When the session is back, the relay announces
 * what is live again: a participant announced within {@code resyncMs} stays (CONNECTED, subscribed
 * afresh), the others leave.
 */
final class RelayMembership {
    public static final String CAMERA = "camera";
    public static final String ROOM = "room";

    private final long resyncMs;
    private final long giveUpMs;
    private final Map<RelayPaths.Participant, Member> members = new LinkedHashMap<>();
    private boolean up;
    /** Bumped on every up or down, so a timer of an older period does nothing. */
    private long period;

    private static final class Member {
        final Set<String> live = new LinkedHashSet<>();
        boolean present;
        /** Announced since the relay session last came up. */
        boolean confirmed = true;
    }

    /** What happened. */
    public sealed interface Event {
        /** {@code participant} announced {@code name} (active) or ended it. */
        record Announced(RelayPaths.Participant participant, String name, boolean active) implements Event {}

        /** The relay session is up (again). */
        record RelayUp() implements Event {}

        /** The relay session failed. */
        record RelayDown() implements Event {}

        /** A timer scheduled by {@link Action.Schedule}. */
        record Timer(Kind kind, long period) implements Event {}

        enum Kind { RESYNC, GIVE_UP }
    }

    /** What to do. */
    public sealed interface Action {
        record Joined(RelayPaths.Participant participant) implements Action {}

        record Left(RelayPaths.Participant participant, RoomEvent.LeaveReason reason) implements Action {}

        record Link(RelayPaths.Participant participant, LinkState state) implements Action {}

        record RoomLink(LinkState state) implements Action {}

        /** Subscribe {@code participant/name} through the relay (the room feed when name is {@value #ROOM}). */
        record Subscribe(RelayPaths.Participant participant, String name) implements Action {}

        /** End the subscription to {@code participant/name}, if any. */
        record Unsubscribe(RelayPaths.Participant participant, String name) implements Action {}

        record Schedule(long delayMs, Event.Timer timer) implements Action {}
    }

    public RelayMembership(long resyncMs, long giveUpMs) {
        this.resyncMs = resyncMs;
        this.giveUpMs = giveUpMs;
    }

    public boolean isUp() {
        return up;
    }

    public boolean isPresent(RelayPaths.Participant p) {
        Member m = members.get(p);
        return m != null && m.present;
    }

    /** Present participants, in order of arrival. */
    public List<RelayPaths.Participant> present() {
        return members.entrySet().stream().filter(e -> e.getValue().present).map(Map.Entry::getKey).toList();
    }

    /** What {@code p} announces now (empty when unknown). */
    public Set<String> announced(RelayPaths.Participant p) {
        Member m = members.get(p);
        return m == null ? Set.of() : Set.copyOf(m.live);
    }

    public List<Action> on(Event event) {
        List<Action> out = new ArrayList<>();
        switch (event) {
            case Event.Announced a -> announced(a, out);
            case Event.RelayUp u -> {
                if (!up) {
                    up = true;
                    period++;
                    out.add(new Action.RoomLink(LinkState.CONNECTED));
                    if (members.values().stream().anyMatch(m -> m.present)) {
                        out.add(new Action.Schedule(resyncMs, new Event.Timer(Event.Kind.RESYNC, period)));
                    }
                }
            }
            case Event.RelayDown d -> {
                if (up) {
                    up = false;
                    period++;
                    boolean any = false;
                    for (Map.Entry<RelayPaths.Participant, Member> e : members.entrySet()) {
                        Member m = e.getValue();
                        if (m.present) {
                            any = true;
                            for (String name : m.live) {
                                out.add(new Action.Unsubscribe(e.getKey(), name));
                            }
                            out.add(new Action.Link(e.getKey(), LinkState.RECONNECTING));
                        }
                        m.live.clear();
                        m.confirmed = false;
                    }
                    out.add(new Action.RoomLink(any ? LinkState.RECONNECTING : LinkState.CONNECTED));
                    if (any) {
                        out.add(new Action.Schedule(giveUpMs, new Event.Timer(Event.Kind.GIVE_UP, period)));
                    }
                }
            }
            case Event.Timer t -> {
                if (t.period() != period) {
                    break;
                }
                if ((t.kind() == Event.Kind.RESYNC && up) || (t.kind() == Event.Kind.GIVE_UP && !up)) {
                    for (Map.Entry<RelayPaths.Participant, Member> e : List.copyOf(members.entrySet())) {
                        if (e.getValue().present && !e.getValue().confirmed) {
                            leave(e.getKey(), e.getValue(), RoomEvent.LeaveReason.FAILED, out);
                        }
                    }
                    if (!up) {
                        out.add(new Action.RoomLink(LinkState.CONNECTED)); // alone: nobody left to miss
                    }
                }
            }
        }
        return out;
    }

    private void announced(Event.Announced a, List<Action> out) {
        if (!up) {
            return; // a stale session's news
        }
        Member m = members.computeIfAbsent(a.participant(), p -> new Member());
        boolean wasPresent = m.present;
        if (a.active()) {
            if (!m.live.add(a.name())) {
                return;
            }
        } else if (!m.live.remove(a.name())) {
            return;
        }
        boolean nowPresent = m.live.contains(CAMERA) || m.live.contains(ROOM);
        if (!wasPresent && nowPresent) {
            m.present = true;
            m.confirmed = true;
            out.add(new Action.Joined(a.participant()));
            out.add(new Action.Link(a.participant(), LinkState.CONNECTED));
            for (String name : m.live) {
                out.add(new Action.Subscribe(a.participant(), name));
            }
            return;
        }
        if (!nowPresent) {
            if (wasPresent) {
                out.add(new Action.Unsubscribe(a.participant(), a.name()));
                leave(a.participant(), m, RoomEvent.LeaveReason.LEFT, out);
            }
            return; // otherwise a screen of someone not (yet) present: subscribed when it joins
        }
        if (!m.confirmed) {
            m.confirmed = true; // back after the relay session came up again: subscribe everything afresh
            out.add(new Action.Link(a.participant(), LinkState.CONNECTED));
            for (String name : m.live) {
                out.add(new Action.Subscribe(a.participant(), name));
            }
            return;
        }
        out.add(a.active() ? new Action.Subscribe(a.participant(), a.name()) : new Action.Unsubscribe(a.participant(), a.name()));
    }

    private void leave(RelayPaths.Participant p, Member m, RoomEvent.LeaveReason reason, List<Action> out) {
        for (String name : m.live) {
            out.add(new Action.Unsubscribe(p, name));
        }
        members.remove(p);
        out.add(new Action.Left(p, reason));
    }
}
