package dev.parley.net.qmux;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * What Linux's {@code TCP_INFO} says about one socket's sending side, read through the FFM API: Netty's
 * {@code EpollTcpInfo} stops before the counters a delivery estimate needs (bytes acknowledged, bytes
 * not yet sent). Offsets are those of {@code struct tcp_info} in {@code linux/tcp.h}; the fields read here
 * exist since Linux 4.6 and never moved (the struct only grows at its end).
 *
 * @param bytesAcked    data bytes the peer acknowledged so far (cumulative)
 * @param notsentBytes  bytes the socket holds that TCP has not sent yet
 * @param unacked       segments sent and not yet acknowledged
 * @param sndMss        the sender's segment size
 * @param sacked        segments the peer has selectively acknowledged beyond the cumulative
 *                      acknowledgement (they arrived; a lost one before them holds the ack back)
 */
record TcpInfo(long bytesAcked, long notsentBytes, long unacked, long sndMss, long sacked) {
    private static final int SOL_TCP = 6;
    private static final int TCP_INFO = 11;
    /** Up to and including {@code tcpi_notsent_bytes}; kernels before 4.6 return less and are not read. */
    private static final int NEEDED = 148;
    private static final int SIZE = 256;
    private static final MethodHandle GETSOCKOPT = getsockopt();

    private static MethodHandle getsockopt() {
        if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
            return null;
        }
        try {
            Linker linker = Linker.nativeLinker();
            return linker.defaultLookup().find("getsockopt").map(f -> linker.downcallHandle(f,
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                            ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS))).orElse(null);
        } catch (RuntimeException | LinkageError e) { // native access refused, or no such symbol
            return null;
        }
    }

    /**
     * Bytes the peer has received so far: those acknowledged plus the selectively acknowledged segments.
     * The cumulative acknowledgement alone stalls behind a lost segment and then leaps over everything SACKed
     * meanwhile, which a rate sampled every 200 ms reads as a burst the path never carried (550 kbit/s on a
     * 200 kbit/s path in one lab run); this count grows as the data arrives.
     */
    long delivered() {
        return bytesAcked + sacked * sndMss;
    }

    /** Reads the socket's {@code TCP_INFO}; empty off Linux, on an old kernel, or when the call fails. */
    static Optional<TcpInfo> read(int fd) {
        if (GETSOCKOPT == null || fd < 0) {
            return Optional.empty();
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(SIZE, 8);
            MemorySegment len = arena.allocate(ValueLayout.JAVA_INT);
            len.set(ValueLayout.JAVA_INT, 0, SIZE);
            int rc = (int) GETSOCKOPT.invokeExact(fd, SOL_TCP, TCP_INFO, buf, len);
            if (rc != 0 || len.get(ValueLayout.JAVA_INT, 0) < NEEDED) {
                return Optional.empty();
            }
            // tcpi_bytes_acked counts the SYN's sequence number too
            return Optional.of(new TcpInfo(Math.max(0, buf.get(ValueLayout.JAVA_LONG, 120) - 1),
                    Integer.toUnsignedLong(buf.get(ValueLayout.JAVA_INT, 144)),
                    Integer.toUnsignedLong(buf.get(ValueLayout.JAVA_INT, 24)),
                    Integer.toUnsignedLong(buf.get(ValueLayout.JAVA_INT, 16)),
                    Integer.toUnsignedLong(buf.get(ValueLayout.JAVA_INT, 28))));
        } catch (Error e) {
            throw e;
        } catch (Throwable e) { // invokeExact declares Throwable; a failed call is "unknown", not an error
            return Optional.empty();
        }
    }
}
