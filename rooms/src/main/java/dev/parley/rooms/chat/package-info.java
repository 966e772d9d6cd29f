/**
 * Chat as a moq track: one group per message holding one UTF-8 frame, limits (4 KiB, rate limit,
 * strict UTF-8), a per-peer history track that late joiners read once ({@link
 * dev.parley.rooms.chat.HistoryFrame}), and {@link dev.parley.rooms.chat.ChatReader}, which reads a
 * peer's chat in order and repairs gaps from its history.
 */
package dev.parley.rooms.chat;
