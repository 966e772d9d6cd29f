package dev.parley.net.ticket;

import java.io.ByteArrayOutputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;

/**
 * The subset of the postcard serde format that addresses use: unsigned LEB128 varints, raw fixed
 * arrays, and length-prefixed byte strings. Readers throw {@link TicketException} on short or
 * malformed input.
 */
final class Postcard {
    private Postcard() {
    }

    static final class Writer {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Writer u8(int value) {
            out.write(value);
            return this;
        }

        Writer varint(long value) {
            long v = value;
            while ((v & ~0x7fL) != 0) {
                out.write((int) ((v & 0x7f) | 0x80));
                v >>>= 7;
            }
            out.write((int) v);
            return this;
        }

        Writer raw(byte[] bytes) {
            out.writeBytes(bytes);
            return this;
        }

        Writer string(String s) {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            varint(utf8.length);
            return raw(utf8);
        }

        byte[] toByteArray() {
            return out.toByteArray();
        }
    }

    static final class Reader {
        private final byte[] data;
        private int pos;

        Reader(byte[] data) {
            this.data = data;
        }

        int u8(String what) {
            need(1, what);
            return data[pos++] & 0xff;
        }

        /** A varint that must fit in {@code maxBits} bits (16 for u16, 32 for u32, 64 for usize). */
        long varint(String what, int maxBits) {
            long result = 0;
            for (int shift = 0; shift < 70; shift += 7) {
                int b = u8(what);
                if (shift >= maxBits || (shift + 7 > maxBits && (b & 0x7f) >>> (maxBits - shift) != 0)) {
                    throw new TicketException(what + " is out of range");
                }
                result |= (long) (b & 0x7f) << shift;
                if ((b & 0x80) == 0) {
                    return result;
                }
            }
            throw new TicketException(what + " is out of range");
        }

        byte[] raw(int length, String what) {
            need(length, what);
            byte[] out = new byte[length];
            System.arraycopy(data, pos, out, 0, length);
            pos += length;
            return out;
        }

        String string(String what) {
            long len = varint(what + " length", 32);
            if (len > remaining()) {
                throw new TicketException("truncated: " + what + " needs " + len + " bytes, " + remaining() + " left");
            }
            try {
                return StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(raw((int) len, what)))
                        .toString();
            } catch (CharacterCodingException e) {
                throw new TicketException(what + " is not valid UTF-8", e);
            }
        }

        int remaining() {
            return data.length - pos;
        }

        void expectEnd(String what) {
            if (remaining() != 0) {
                throw new TicketException(what + " has " + remaining() + " unexpected trailing bytes");
            }
        }

        private void need(int n, String what) {
            if (remaining() < n) {
                throw new TicketException("truncated: " + what + " needs " + n + " bytes, " + remaining() + " left");
            }
        }
    }
}
