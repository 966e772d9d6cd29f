package dev.parley.net.quic;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;

import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Lets one UDP socket both accept and dial. The pipeline is {@code pathLayer, router, serverCodec, clientCodec};
 * both codecs consume every datagram they see, so the router decides: a packet whose destination
 * connection id is one of our dialed connections' source ids goes to the client codec, everything
 * else (new Initials from peers, packets for accepted connections, garbage) to the server codec.
 * Client connections never get new source ids in Netty 4.2 (no id generator on the client side),
 * so the set registered at dial time is complete.
 */
final class PacketRouter extends ChannelInboundHandlerAdapter {
    static final int CONNECTION_ID_LENGTH = 20;

    private final ChannelHandler serverCodec;
    private final Set<ConnId> clientIds = ConcurrentHashMap.newKeySet();
    /** The source ids of dials made through the path layer (a subset of {@link #clientIds}). */
    private final Set<ConnId> pathIds = ConcurrentHashMap.newKeySet();
    private ChannelHandlerContext clientCodecInput;

    PacketRouter(ChannelHandler serverCodec) {
        this.serverCodec = serverCodec;
    }

    void addClientId(byte[] id) {
        clientIds.add(new ConnId(id));
    }

    void removeClientId(byte[] id) {
        clientIds.remove(new ConnId(id));
        pathIds.remove(new ConnId(id));
    }

    void addPathId(byte[] id) {
        pathIds.add(new ConnId(id));
    }

    /** Whether the packet is for one of this endpoint's path-layer dials. */
    boolean isForPathDial(ByteBuf buf) {
        return !pathIds.isEmpty() && contains(pathIds, buf);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof DatagramPacket packet && !clientIds.isEmpty() && isForClient(packet.content())) {
            clientInput(ctx).fireChannelRead(msg);
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.fireChannelReadComplete();
        // The server codec does not pass read-complete on; the client codec flushes its connections on it.
        clientInput(ctx).fireChannelReadComplete();
    }

    /** Firing from the server codec's context delivers to the handler after it: the client codec. */
    private ChannelHandlerContext clientInput(ChannelHandlerContext ctx) {
        if (clientCodecInput == null) {
            clientCodecInput = ctx.pipeline().context(serverCodec);
        }
        return clientCodecInput;
    }

    private boolean isForClient(ByteBuf buf) {
        return contains(clientIds, buf);
    }

    private static boolean contains(Set<ConnId> ids, ByteBuf buf) {
        int start = buf.readerIndex();
        int len = buf.readableBytes();
        if (len < 1) {
            return false;
        }
        int offset;
        int idLength;
        if ((buf.getByte(start) & 0x80) != 0) { // long header: flags, version(4), dcid len, dcid
            if (len < 6) {
                return false;
            }
            idLength = buf.getUnsignedByte(start + 5);
            offset = 6;
        } else { // short header: flags, dcid of our fixed length
            idLength = CONNECTION_ID_LENGTH;
            offset = 1;
        }
        if (idLength != CONNECTION_ID_LENGTH || len < offset + idLength) {
            return false;
        }
        byte[] id = new byte[idLength];
        buf.getBytes(start + offset, id);
        return ids.contains(new ConnId(id));
    }

    private record ConnId(byte[] bytes) {
        @Override
        public boolean equals(Object o) {
            return o instanceof ConnId other && Arrays.equals(bytes, other.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return java.util.HexFormat.of().formatHex(bytes);
        }
    }
}
