package dev.parley.net.path;

import dev.parley.net.identity.Identity;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class DiscoTest {
    private static final Identity ALICE = Identity.generate();
    private static final Identity MALLORY = Identity.generate();
    private static final byte[] TX = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};

    private static byte[] bytes(Identity who, Disco.Message m) {
        ByteBuf b = Disco.encode(ByteBufAllocator.DEFAULT, who, m);
        try {
            byte[] out = new byte[b.readableBytes()];
            b.readBytes(out);
            return out;
        } finally {
            b.release();
        }
    }

    private static Disco.Signed decode(byte[] packet) {
        return Disco.decode(Unpooled.wrappedBuffer(packet)).orElse(null);
    }

    @Test
    void everyMessageRoundTripsWithItsSigner() {
        InetSocketAddress v4 = new InetSocketAddress("198.18.3.2", 40123);
        InetSocketAddress v6 = new InetSocketAddress("2001:db8::7", 5);
        for (Disco.Message m : List.of(new Disco.Ping(TX), new Disco.Pong(TX, v4), new Disco.Pong(TX, v6),
                new Disco.CallMeMaybe(List.of(v4, v6)), new Disco.CallMeMaybe(List.of()))) {
            byte[] packet = bytes(ALICE, m);
            assertThat(Disco.isDisco(Unpooled.wrappedBuffer(packet))).isTrue();
            assertThat((packet[0] & 0x40)).as("never looks like QUIC").isZero();
            Disco.Signed s = decode(packet);
            assertThat(s).as("%s", m).isNotNull();
            assertThat(s.sender()).isEqualTo(ALICE.id());
            switch (s.message()) {
                case Disco.Ping p -> assertThat(p.tx()).isEqualTo(TX);
                case Disco.Pong p -> {
                    assertThat(p.tx()).isEqualTo(TX);
                    assertThat(p.observed()).isEqualTo(((Disco.Pong) m).observed());
                }
                case Disco.CallMeMaybe c -> assertThat(c.candidates()).isEqualTo(((Disco.CallMeMaybe) m).candidates());
            }
        }
    }

    @Test
    void aPacketClaimingAnotherSenderIsRejected() {
        byte[] packet = bytes(MALLORY, new Disco.Ping(TX));
        System.arraycopy(ALICE.id().bytes(), 0, packet, Disco.MAGIC.length + 1, 32); // claims to be Alice
        assertThat(decode(packet)).isNull();
    }

    /** 30 000 cases: flipped bits, truncations, garbage after the magic, random signatures. */
    @Test
    void fuzzedPacketsAreRejectedAndNeverThrow() {
        Random random = new Random(12);
        byte[][] valid = {
                bytes(ALICE, new Disco.Ping(TX)),
                bytes(ALICE, new Disco.Pong(TX, new InetSocketAddress("10.77.1.2", 9))),
                bytes(ALICE, new Disco.CallMeMaybe(List.of(new InetSocketAddress("198.18.1.2", 1),
                        new InetSocketAddress("2001:db8::1", 2))))};
        int accepted = 0;
        int cases = 30_000;
        long start = System.nanoTime();
        for (int i = 0; i < cases; i++) {
            byte[] base = valid[i % valid.length];
            byte[] p;
            switch (i % 5) {
                case 0 -> { // one bit flipped anywhere
                    p = base.clone();
                    int at = random.nextInt(p.length);
                    p[at] ^= (byte) (1 << random.nextInt(8));
                }
                case 1 -> p = java.util.Arrays.copyOf(base, random.nextInt(base.length)); // truncated
                case 2 -> { // garbage after the magic
                    p = new byte[Disco.MAGIC.length + random.nextInt(700)];
                    random.nextBytes(p);
                    System.arraycopy(Disco.MAGIC, 0, p, 0, Disco.MAGIC.length);
                }
                case 3 -> { // a well-formed body with a random signature
                    p = base.clone();
                    for (int j = p.length - 64; j < p.length; j++) {
                        p[j] = (byte) random.nextInt();
                    }
                }
                default -> { // a type byte or a count changed, or bytes appended
                    p = java.util.Arrays.copyOf(base, base.length + random.nextInt(3));
                    p[Disco.MAGIC.length + (random.nextBoolean() ? 0 : 33)] = (byte) random.nextInt();
                }
            }
            boolean same = java.util.Arrays.equals(p, base);
            Disco.Signed s = decode(p);
            if (s != null) {
                accepted++;
                assertThat(same).as("case %d accepted a modified packet", i).isTrue();
            }
        }
        System.out.printf("disco fuzz: %d cases in %.0f ms, %d unmodified accepted%n", cases,
                (System.nanoTime() - start) / 1e6, accepted);
    }
}
