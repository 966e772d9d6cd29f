package dev.parley.net.moq.session;

import dev.parley.net.moq.wire.Message;
import dev.parley.net.moq.wire.Messages;
import dev.parley.net.moq.wire.StreamType;
import dev.parley.net.moq.wire.Version;
import dev.parley.net.moq.wire.WireWriter;
import dev.parley.net.transport.SendStream;

/** Writes framed messages of one version to a send stream; one writer per stream, used by one thread at a time. */
final class StreamWriter {
    private final SendStream stream;
    private final Version version;
    private final WireWriter buf = new WireWriter(64);

    StreamWriter(SendStream stream, Version version) {
        this.stream = stream;
        this.version = version;
    }

    SendStream stream() {
        return stream;
    }

    void writeType(StreamType type, Message first) {
        writeType(type, first, true);
    }

    /** The stream type and its first message; unflushed when what follows at once should carry it. */
    void writeType(StreamType type, Message first, boolean flush) {
        buf.clear();
        buf.varint(type.code());
        Messages.encode(first, version, buf);
        stream.write(buf.toByteArray());
        if (flush) {
            stream.flush();
        }
    }

    void write(Message m) {
        buf.clear();
        Messages.encode(m, version, buf);
        push();
    }

    private void push() {
        stream.write(buf.toByteArray());
        stream.flush();
    }
}
