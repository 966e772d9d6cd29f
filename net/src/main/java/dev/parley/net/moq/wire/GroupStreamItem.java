package dev.parley.net.moq.wire;

/** What a Group stream (uni type 0x0) carries: one {@link GroupHeader}, then {@link Frame}s until FIN. */
public sealed interface GroupStreamItem permits GroupHeader, Frame {}
