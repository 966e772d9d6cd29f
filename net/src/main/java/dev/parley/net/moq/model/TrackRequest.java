package dev.parley.net.moq.model;

/**
 * A subscriber asked a dynamic broadcast for a track that did not exist. The broadcast already created
 * {@code producer} (with the requested info) and handed a consumer of it to the subscriber; the handler
 * now starts filling it, for example by starting an encoder or sending an upstream SUBSCRIBE, and should
 * stop when {@link TrackProducer#unused()} completes. To refuse, {@link TrackProducer#abort(MoqError)}
 * it (for example with {@link MoqError#NOT_FOUND}). A dynamic track leaves the broadcast once it is
 * unused or ended, so the next subscriber triggers a new request.
 *
 * @param info     the requested name and subscriber priority
 * @param producer the new track to fill
 */
public record TrackRequest(TrackInfo info, TrackProducer producer) {
}
