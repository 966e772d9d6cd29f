/**
 * The moq-lite broadcast model, free of any transport: an {@link dev.parley.net.moq.model.OriginProducer}
 * holds broadcasts by {@link dev.parley.net.moq.model.Path}, a broadcast holds named tracks, a track is a
 * sequence of groups that may arrive out of order, and a group is an ordered list of immutable
 * {@code byte[]} frames. Every level is a producer/consumer pair over one small shared-state primitive
 * (a lock, a condition and one-shot listeners), so blocking readers park cheaply on virtual threads and
 * event-loop code can use the {@code *Async} variants. Consumers are cheap handles with their own
 * cursor; fan-out hands the same frame array to every reader without copying. Memory is bounded by
 * {@link dev.parley.net.moq.model.TrackLimits}: a track caches only its newest groups. A group is
 * <em>superseded</em> once a newer group of its track has its first frame; live readers use
 * {@link dev.parley.net.moq.model.GroupConsumer#readFrameUnlessSuperseded} so a group that stalls behind a
 * newer one is given up instead of waited on, and network code watches
 * {@link dev.parley.net.moq.model.GroupProducer#superseded()} to drop the stream of a group that can no
 * longer arrive in time.
 */
package dev.parley.net.moq.model;
