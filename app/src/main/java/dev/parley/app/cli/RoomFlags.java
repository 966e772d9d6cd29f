package dev.parley.app.cli;

import dev.parley.rooms.ticket.RoomMode;

/**
 * Parsed options of {@code parley room --headless}.
 *
 * @param ticket      ticket of the room to join, or {@code null} to create a room
 * @param displayName name shown to the others, or {@code null} for the remembered one
 * @param testSource  publish the test pattern and tone instead of camera and microphone
 * @param chatStdin   send each line of standard input as a chat message, print received ones
 * @param demoPeers   number of local demo participants to start alongside (0 for none)
 * @param profile     settings profile, or {@code null} for the default one
 * @param net         home relay and mDNS
 * @param moqRelay    creating a room: the moq-lite relay it runs through, or {@code null} for a gossip room
 * @param mode        creating a room with {@code moqRelay}: {@code RELAY} or {@code HYBRID}
 */
public record RoomFlags(String ticket, String displayName, boolean testSource, boolean chatStdin,
                          int demoPeers, String profile, NetFlags net, String moqRelay, RoomMode mode) {
    public RoomFlags(String ticket, String displayName, boolean testSource, boolean chatStdin, int demoPeers,
                       String profile, NetFlags net) {
        this(ticket, displayName, testSource, chatStdin, demoPeers, profile, net, null, RoomMode.GOSSIP);
    }

    public RoomFlags(String ticket, String displayName, boolean testSource, boolean chatStdin, int demoPeers,
                       String profile) {
        this(ticket, displayName, testSource, chatStdin, demoPeers, profile, NetFlags.NONE, null, RoomMode.GOSSIP);
    }
}
