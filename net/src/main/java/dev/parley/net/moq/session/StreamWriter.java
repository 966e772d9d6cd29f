package dev.parley.net.moq.session;

import dev.parley.net.moq.wire.Message;
import dev.parley.net.moq.wire.Messages;
import dev.parley.net.moq.wire.StreamType;
import dev.parley.net.moq.wire.WireWriter;
import dev.parley.net.transport.SendStream;

/** Writes framed messages to a send stream; one writer per stream, used by one thread at a time. */
final class StreamWriter {
    private final SendStream stream;
    private final WireWriter buf = new WireWriter(64);

    StreamWriter(SendStream stream) {
        this.stream = stream;
    }

    SendStream stream() {
        return stream;
    }

    void writeType(StreamType type, Message first) {
        buf.clear();
        buf.varint(type.code());
        Messages.encode(first, buf);
        push();
    }

    void write(Message m) {
        buf.clear();
        Messages.encode(m, buf);
        push();
    }

    private void push() {
        stream.write(buf.toByteArray());
        stream.flush();
    }
}
