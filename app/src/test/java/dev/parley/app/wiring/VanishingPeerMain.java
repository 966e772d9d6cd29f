package dev.parley.app.wiring;

import dev.parley.net.identity.Identity;
import dev.parley.net.quic.Endpoint;
import dev.parley.net.quic.EndpointConfig;
import dev.parley.rooms.Room;
import dev.parley.rooms.RoomOptions;
import dev.parley.rooms.ticket.RoomTicket;

/** A bare room peer in its own process, for killing: joins the ticket in args[0], prints READY and its id. */
public final class VanishingPeerMain {
    private VanishingPeerMain() {}

    public static void main(String[] args) throws InterruptedException {
        Endpoint endpoint = Endpoint.bind(EndpointConfig.loopback(Identity.generate())
                .withIdleTimeout(RoomsCallService.IDLE_TIMEOUT));
        Room room = Room.join(endpoint, RoomTicket.parse(args[0]), RoomOptions.defaults().withDisplayName("carol"));
        System.out.println("READY " + room.me().hex());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
