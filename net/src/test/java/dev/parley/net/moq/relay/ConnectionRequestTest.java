package dev.parley.net.moq.relay;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Query parameters of a relay connection, as browsers and moq-lite clients send them. */
class ConnectionRequestTest {
    @Test
    void parametersAreFormDecodedLikeMoqRelays() {
        ConnectionRequest r = ConnectionRequest.of("/room?pull=parley%3Aabc_-%2Fcam&jwt=eyJ.x-y_z.sig&pull=parley:plain/cam&flag",
                Optional.empty(), "websocket");
        assertThat(r.path()).isEqualTo("/room");
        assertThat(r.parameter("pull")).containsExactly("parley:abc_-/cam", "parley:plain/cam");
        assertThat(r.parameter("jwt")).containsExactly("eyJ.x-y_z.sig");
        assertThat(r.parameter("flag")).containsExactly("");
        assertThat(r.parameter("missing")).isEmpty();
    }

    @Test
    void aMalformedEscapeIsKeptAsSent() {
        ConnectionRequest r = ConnectionRequest.of("/?pull=parley%ZZ", Optional.empty(), "quic");
        assertThat(r.parameter("pull")).isEqualTo(List.of("parley%ZZ"));
    }
}
