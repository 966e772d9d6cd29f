package dev.parley.rooms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.net.moq.model.BroadcastConsumer;
import dev.parley.net.moq.model.GroupConsumer;
import dev.parley.net.moq.model.MoqException;
import dev.parley.net.moq.model.TrackConsumer;
import dev.parley.net.moq.model.TrackInfo;
import dev.parley.net.postcard.PostcardException;
import dev.parley.net.transport.TransportException;
import dev.parley.rooms.presence.PeerState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where a relay room learns participants' names: a Parley participant's {@value #STATE_TRACK} track (its
 * {@link PeerState}, latest group wins) in its {@code room} feed, and a browser's hang catalog
 * ({@code user.name}) in its {@code camera}. Each reader blocks on its own virtual thread until the
 * broadcast ends and hands every new state to {@code sink}.
 */
final class ParticipantNames {
    /** The room feed's track that carries the publisher's {@link PeerState}. */
    static final String STATE_TRACK = "state";
    /** The hang catalog track of a {@code camera} broadcast. */
    static final String CATALOG_TRACK = "catalog.json";
    private static final Logger LOG = LoggerFactory.getLogger(ParticipantNames.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private ParticipantNames() {}

    /** Reads a Parley participant's states from its room feed until the feed ends. */
    static void followState(BroadcastConsumer feed, Consumer<PeerState> sink) {
        try (TrackConsumer t = feed.subscribe(STATE_TRACK, TrackInfo.PRIORITY_CHAT)) {
            GroupConsumer group;
            while ((group = t.nextGroup()) != null) { // ends with the feed (closed on leave or session loss)
                byte[] frame = group.readFrame();
                if (frame == null) {
                    continue;
                }
                try {
                    sink.accept(PeerState.decode(frame));
                } catch (PostcardException bad) {
                    LOG.debug("invalid peer state: {}", bad.getMessage());
                }
            }
        } catch (MoqException | IllegalStateException | TransportException e) { // also ActorStoppedException
            // feed ended
        }
    }

    /** Reads a browser's catalog for {@code user.name} until its camera ends; each new name is a state. */
    static void followCatalog(BroadcastConsumer camera, Consumer<PeerState> sink) {
        try (TrackConsumer t = camera.subscribe(CATALOG_TRACK, TrackInfo.PRIORITY_CATALOG)) {
            String shown = null;
            GroupConsumer group;
            while ((group = t.nextGroup()) != null) { // ends with the broadcast
                byte[] frame = group.readFrame();
                String name = frame == null ? null : catalogUserName(frame);
                if (name != null && !name.equals(shown)) {
                    shown = name;
                    sink.accept(new PeerState(List.of(RelayMembership.CAMERA), Optional.of(name)));
                }
            }
        } catch (MoqException | IllegalStateException | TransportException e) { // also ActorStoppedException
            // the camera ended
        }
    }

    /** {@code user.name} of a hang catalog, cut to what a peer state allows; null when absent or not JSON. */
    static String catalogUserName(byte[] catalog) {
        try {
            JsonNode name = JSON.readTree(catalog).path("user").path("name");
            if (!name.isTextual() || name.asText().isBlank()) {
                return null;
            }
            String n = name.asText().strip();
            while (n.getBytes(StandardCharsets.UTF_8).length > PeerState.MAX_NAME_BYTES) {
                n = n.substring(0, n.length() - 1);
            }
            return n;
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }
}
