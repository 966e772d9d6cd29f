package dev.parley.rooms.chat;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The {@code chat} track's frame format: one moq group per message, holding one frame of UTF-8
 * text. Nothing else is in the payload: the sender is the session's peer.
 */
public final class ChatCodec {
    /** Name of the chat track inside each peer's broadcast. */
    public static final String TRACK = "chat";
    /** Largest message in bytes of UTF-8. */
    public static final int MAX_BYTES = 4096;

    private ChatCodec() {
    }

    public static byte[] encode(String text) {
        if (text.isEmpty()) {
            throw new ChatException("empty chat message");
        }
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        if (b.length > MAX_BYTES) {
            throw new ChatException("chat message of " + b.length + " bytes exceeds " + MAX_BYTES);
        }
        return b;
    }

    /** Strict decode: oversized, empty or invalid UTF-8 (including unpaired surrogates) is refused. */
    public static String decode(byte[] frame) {
        if (frame.length == 0) {
            throw new ChatException("empty chat frame");
        }
        if (frame.length > MAX_BYTES) {
            throw new ChatException("chat frame of " + frame.length + " bytes exceeds " + MAX_BYTES);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(frame)).toString();
        } catch (CharacterCodingException e) {
            throw new ChatException("chat frame is not valid UTF-8");
        }
    }
}
