package dev.parley.rooms;

import dev.parley.net.identity.Identity;
import dev.parley.net.quic.Endpoint;
import dev.parley.net.quic.EndpointConfig;
import dev.parley.rooms.ticket.RoomTicket;

import java.time.Duration;

/** A room peer in its own JVM (so a test can SIGKILL it): joins the ticket in args[0], prints READY and its id. */
public final class RoomChildMain {
    public static void main(String[] args) throws Exception {
        Endpoint endpoint = Endpoint.bind(EndpointConfig.loopback(Identity.generate()).withIdleTimeout(Duration.ofSeconds(3)));
        Room room = Room.join(endpoint, RoomTicket.parse(args[0]), RoomOptions.defaults().withDisplayName("child"));
        System.out.println("READY " + room.me().hex());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
