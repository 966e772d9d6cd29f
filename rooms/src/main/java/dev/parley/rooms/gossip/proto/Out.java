package dev.parley.rooms.gossip.proto;

import dev.parley.net.identity.EndpointId;
import dev.parley.rooms.gossip.wire.TopicMessage;

import java.util.ArrayList;
import java.util.List;

/** Collects the actions produced while handling one input. */
final class Out {
    private List<Action> actions = new ArrayList<>();

    void send(EndpointId to, TopicMessage m) {
        actions.add(new Action.Send(to, m));
    }

    void emit(GossipEvent e) {
        actions.add(new Action.Emit(e));
    }

    void schedule(long delayMs, Timer t) {
        actions.add(new Action.Schedule(delayMs, t));
    }

    void add(Action a) {
        actions.add(a);
    }

    List<Action> drain() {
        List<Action> out = actions;
        actions = new ArrayList<>();
        return out;
    }
}
