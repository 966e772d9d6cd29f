/**
 * Chat as a moq track: one group per message holding one UTF-8 frame, limits (4 KiB, rate limit,
 * strict UTF-8), and a per-peer history track that late joiners read once.
 */
package dev.parley.rooms.chat;
