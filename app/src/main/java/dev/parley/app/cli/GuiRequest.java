package dev.parley.app.cli;


/**
 * What the window should do when it opens.
 *
 * @param profile     settings profile name, {@code null} for the default profile
 * @param enterRoom   true to go straight into a room (create one, or join {@code ticket})
 * @param ticket      room ticket to join, or {@code null}
 * @param displayName display name to use instead of the remembered one, or {@code null}
 * @param testSource  publish the test pattern and tone instead of real devices
 * @param showStats   open the debug stats overlay at once
 * @param demoPeers   number of local demo participants to add to the room (0 for none)
 * @param record      folder to record the call into from the start (the Record button's folder), or {@code null}
 * @param moqRelay    creating a room: the moq-lite relay it runs through, or {@code null} for a gossip room
 * @param mode        creating a room with {@code moqRelay}: relay or hybrid
 */
public record GuiRequest(String profile, boolean enterRoom, String ticket,
                         String displayName, boolean testSource, boolean showStats, int demoPeers, java.nio.file.Path record,
                         String moqRelay, dev.parley.rooms.ticket.RoomMode mode) {

    public GuiRequest(String profile, boolean enterRoom, String ticket, String displayName, boolean testSource,
                      boolean showStats, int demoPeers, java.nio.file.Path record) {
        this(profile, enterRoom, ticket, displayName, testSource, showStats, demoPeers, record, null,
                dev.parley.rooms.ticket.RoomMode.GOSSIP);
    }

    public GuiRequest(String profile, boolean enterRoom, String ticket, String displayName, boolean testSource,
                      boolean showStats, int demoPeers) {
        this(profile, enterRoom, ticket, displayName, testSource, showStats, demoPeers, null);
    }

    /** The plain start screen. */
    public static GuiRequest startScreen(String profile, boolean showStats) {
        return new GuiRequest(profile, false, null, null, false, showStats, 0);
    }
}
