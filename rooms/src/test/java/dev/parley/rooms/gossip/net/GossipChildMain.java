package dev.parley.rooms.gossip.net;

import dev.parley.net.identity.Identity;
import dev.parley.net.quic.Endpoint;
import dev.parley.net.quic.EndpointConfig;
import dev.parley.rooms.gossip.proto.GossipConfig;
import dev.parley.rooms.ticket.RoomTicket;

import java.time.Duration;

/** A gossip peer in its own JVM: joins the topic of the ticket in args[0], prints READY and its id, then waits. */
public final class GossipChildMain {
    public static void main(String[] args) throws Exception {
        RoomTicket ticket = RoomTicket.parse(args[0]);
        Endpoint endpoint = Endpoint.bind(EndpointConfig.loopback(Identity.generate()).withIdleTimeout(Duration.ofSeconds(3)));
        GossipNode node = new GossipNode(endpoint, GossipConfig.defaults());
        GossipTopic topic = node.join(ticket.topic(), ticket.bootstrap());
        topic.joined().get(20, java.util.concurrent.TimeUnit.SECONDS);
        System.out.println("READY " + endpoint.id().hex());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
