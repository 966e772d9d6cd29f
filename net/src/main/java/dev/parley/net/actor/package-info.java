/**
 * The one actor primitive every stateful component uses ({@code Moq}, each {@code Room}, each
 * {@code GossipNode}): {@link dev.parley.net.actor.Actor} runs a handler on one virtual thread that
 * owns all of the component's mutable state. Commands are sealed records; requests carry a
 * {@link java.util.concurrent.CompletableFuture} reply ({@link dev.parley.net.actor.Actor.Request});
 * delays are scheduled commands, never sleeps; a stopped actor throws
 * {@link dev.parley.net.actor.ActorStoppedException}. Handlers take no locks and never block on the
 * network: slow work runs on other threads and comes back as a command.
 */
package dev.parley.net.actor;
