package dev.parley.net.qmux;

import dev.parley.net.transport.BidiStream;
import dev.parley.net.transport.ConnectionClosedException;
import dev.parley.net.transport.RecvStream;
import dev.parley.net.transport.SendStream;
import dev.parley.net.transport.TransportException;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A deliberately tiny moq-lite-03 publisher written by hand from the spec (no session code): it answers
 * ANNOUNCE_PLEASE with one ANNOUNCE, answers SUBSCRIBE with SUBSCRIBE_OK and the track's groups on uni
 * streams, and keeps the Probe stream open. It proves the QMux transport against the real client
 * independently of Parley's moq session.
 */
final class RawLiteResponder {
    /** Frames per group for each track name. */
    private final Map<String, List<List<byte[]>>> tracks;
    private final String broadcast;
    final List<String> seen = new CopyOnWriteArrayList<>();
    final Map<Long, BidiStream> probes = new ConcurrentHashMap<>();

    RawLiteResponder(String broadcast, Map<String, List<List<byte[]>>> tracks) {
        this.broadcast = broadcast;
        this.tracks = tracks;
    }

    void serve(QmuxConnection conn) {
        try {
            while (true) {
                BidiStream s = conn.acceptBidi();
                Thread.ofVirtual().start(() -> handle(conn, s));
            }
        } catch (ConnectionClosedException | InterruptedException e) {
            // session over
        }
    }

    private void handle(QmuxConnection conn, BidiStream s) {
        try {
            long type = readVarint(s.recv());
            seen.add("stream-type:" + type);
            switch ((int) type) {
                case 0x1 -> {
                    byte[] msg = readMessage(s.recv());
                    seen.add("announce-please:" + new String(msg, 1, msg.length - 1, StandardCharsets.UTF_8));
                    ByteArrayOutputStream body = new ByteArrayOutputStream();
                    body.write(1); // active
                    writeString(body, broadcast);
                    writeVarint(body, 0); // hops
                    s.send().write(framed(body.toByteArray()));
                    s.send().flush();
                    drain(s.recv());
                }
                case 0x2 -> subscribe(conn, s);
                case 0x4 -> {
                    probes.put(s.id(), s); // keep it open and silent; resetting it kills @moq/lite 0.2.2
                    drain(s.recv());
                }
                default -> s.send().reset(10);
            }
        } catch (InterruptedException | TransportException e) {
            // stream or session ended
        }
    }

    private void subscribe(QmuxConnection conn, BidiStream s) throws InterruptedException {
        ByteArrayInput in = new ByteArrayInput(readMessage(s.recv()));
        long id = in.varint();
        String path = in.string();
        String track = in.string();
        int priority = in.u8();
        seen.add("subscribe:" + id + ":" + path + ":" + track + ":" + priority);
        List<List<byte[]>> groups = tracks.get(track);
        if (!path.equals(broadcast) || groups == null) {
            s.send().reset(13); // NotFound
            return;
        }
        ByteArrayOutputStream ok = new ByteArrayOutputStream();
        ok.write(priority);
        ok.write(0);
        writeVarint(ok, 0);
        writeVarint(ok, 0);
        writeVarint(ok, 0);
        ByteArrayOutputStream resp = new ByteArrayOutputStream();
        writeVarint(resp, 0); // SUBSCRIBE_OK type
        resp.writeBytes(framed(ok.toByteArray()));
        s.send().write(resp.toByteArray());
        s.send().flush();
        for (int g = 0; g < groups.size(); g++) {
            SendStream u = conn.openUni();
            u.setPriority(priority);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            writeVarint(out, 0); // group stream
            ByteArrayOutputStream hdr = new ByteArrayOutputStream();
            writeVarint(hdr, id);
            writeVarint(hdr, g);
            out.writeBytes(framed(hdr.toByteArray()));
            for (byte[] f : groups.get(g)) {
                writeVarint(out, f.length);
                out.writeBytes(f);
            }
            u.write(out.toByteArray());
            u.flush();
            u.finish();
        }
        drain(s.recv());
    }

    private static void drain(RecvStream in) throws InterruptedException {
        byte[] buf = new byte[256];
        while (in.read(buf, 0, buf.length) >= 0) {
            // ignore SUBSCRIBE_UPDATE etc.
        }
    }

    static byte[] framed(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeVarint(out, body.length);
        out.writeBytes(body);
        return out.toByteArray();
    }

    static void writeString(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        writeVarint(out, b.length);
        out.writeBytes(b);
    }

    static void writeVarint(ByteArrayOutputStream out, long v) {
        if (v < 0x40) {
            out.write((int) v);
        } else if (v < 0x4000) {
            out.write((int) (0x40 | (v >> 8)));
            out.write((int) v & 0xff);
        } else {
            out.write((int) (0x80 | (v >> 24)));
            out.write((int) (v >> 16) & 0xff);
            out.write((int) (v >> 8) & 0xff);
            out.write((int) v & 0xff);
        }
    }

    static long readVarint(RecvStream in) throws InterruptedException {
        int first = readByte(in);
        int len = 1 << (first >> 6);
        long v = first & 0x3f;
        for (int i = 1; i < len; i++) {
            v = (v << 8) | readByte(in);
        }
        return v;
    }

    private static int readByte(RecvStream in) throws InterruptedException {
        byte[] b = new byte[1];
        if (in.read(b, 0, 1) < 0) {
            throw new TransportException("stream ended");
        }
        return b[0] & 0xff;
    }

    static byte[] readMessage(RecvStream in) throws InterruptedException {
        int len = (int) readVarint(in);
        byte[] b = new byte[len];
        int off = 0;
        while (off < len) {
            int n = in.read(b, off, len - off);
            if (n < 0) {
                throw new TransportException("stream ended inside a message");
            }
            off += n;
        }
        return b;
    }

    static final class ByteArrayInput {
        private final byte[] b;
        private int pos;

        ByteArrayInput(byte[] b) {
            this.b = b;
        }

        int u8() {
            return b[pos++] & 0xff;
        }

        long varint() {
            int first = u8();
            int len = 1 << (first >> 6);
            long v = first & 0x3f;
            for (int i = 1; i < len; i++) {
                v = (v << 8) | u8();
            }
            return v;
        }

        String string() {
            int len = (int) varint();
            String s = new String(b, pos, len, StandardCharsets.UTF_8);
            pos += len;
            return s;
        }
    }
}
