package dev.parley.net.moq.session;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MoqRelayUrlTest {
    @Test
    void theSchemeSaysTheTransportAndThePathIsTheScopeWithTheTokenKept() {
        MoqRelayUrl u = MoqRelayUrl.parse(" https://relay.example:4443/team?jwt=a.b-c ");
        assertThat(u.toString()).isEqualTo("https://relay.example:4443/team?jwt=a.b-c");
        assertThat(u.transport()).isEqualTo(MoqRelayUrl.Transport.AUTO);
        assertThat(u.dialTargets()).extracting(java.net.URI::toString)
                .containsExactly("moql://relay.example:4443/team?jwt=a.b-c", "wss://relay.example:4443/team?jwt=a.b-c");
        assertThat(u.setupPath()).isEqualTo("/team?jwt=a.b-c");
        assertThat(u.scope()).isEqualTo("/team");
        assertThat(u.redacted()).isEqualTo("https://relay.example:4443/team?…");
        assertThat(MoqRelayUrl.parse("http://127.0.0.1:4443").toString()).isEqualTo("ws://127.0.0.1:4443/");
        assertThat(MoqRelayUrl.parse("http://127.0.0.1:4443").transport()).isEqualTo(MoqRelayUrl.Transport.WEBSOCKET);
        assertThat(MoqRelayUrl.parse("wss://h/a").dialTargets()).extracting(java.net.URI::toString).containsExactly("wss://h/a");
        MoqRelayUrl quic = MoqRelayUrl.parse("MOQL://h:9/");
        assertThat(quic.transport()).isEqualTo(MoqRelayUrl.Transport.QUIC);
        assertThat(quic.dialTargets()).extracting(java.net.URI::toString).containsExactly("moql://h:9/");
        assertThat(quic.setupPath()).isEqualTo("/");
        assertThat(MoqRelayUrl.parse("WS://h/").scope()).isEqualTo("/");
        assertThat(u.under("parley/rooms/ab").toString()).isEqualTo("https://relay.example:4443/team/parley/rooms/ab?jwt=a.b-c");
        assertThat(MoqRelayUrl.parse("http://h:1/").under("/x").toString()).isEqualTo("ws://h:1/x");
    }

    @Test
    void aGoawayNamingOnlyARelayKeepsTheScopeAndTokenAndAFullUrlIsTakenAsGiven() {
        MoqRelayUrl u = MoqRelayUrl.parse("https://a.example:4443/team?jwt=t");
        assertThat(u.redirect("https://b.example:4443/").toString()).isEqualTo("https://b.example:4443/team?jwt=t");
        assertThat(u.redirect("http://b.example:1").toString()).isEqualTo("ws://b.example:1/team?jwt=t");
        assertThat(u.redirect("wss://b.example/other").toString()).isEqualTo("wss://b.example/other");
        assertThat(u.redirect("wss://b.example/?jwt=u").toString()).isEqualTo("wss://b.example/?jwt=u");
        assertThatThrownBy(() -> u.redirect("")).hasMessageContaining("empty");
        assertThatThrownBy(() -> u.redirect("quic://b/")).hasMessageContaining("starts with");
    }

    @Test
    void aRelayNamedByItsKeyIsRawQuicToThatKey() {
        String id = dev.parley.net.identity.Identity.generate().id().hex();
        MoqRelayUrl u = MoqRelayUrl.parse("moql://" + id + "@relay.example:4443/team?jwt=t");
        assertThat(u.relayId()).map(dev.parley.net.identity.EndpointId::hex).contains(id);
        assertThat(u.transport()).isEqualTo(MoqRelayUrl.Transport.QUIC);
        assertThat(u.dialTargets()).extracting(java.net.URI::toString).containsExactly("moql://" + id + "@relay.example:4443/team?jwt=t");
        assertThat(u.setupPath()).isEqualTo("/team?jwt=t");
        assertThat(u.under("parley/rooms/ab").relayId()).as("a room below it is the same relay").isEqualTo(u.relayId());
        assertThat(u.redacted()).isEqualTo("moql://" + id + "@relay.example:4443/team?…");
        assertThat(MoqRelayUrl.parse("moql://h:1/").relayId()).isEmpty();
        assertThatThrownBy(() -> MoqRelayUrl.parse("https://" + id + "@h/")).hasMessageContaining("goes with moql://");
        assertThatThrownBy(() -> MoqRelayUrl.parse("wss://user:pw@h/")).hasMessageContaining("goes with moql://")
                .hasMessageNotContaining("pw@");
        assertThatThrownBy(() -> MoqRelayUrl.parse("moql://abc@h/")).hasMessageContaining("64 hex characters");
    }

    @Test
    void anythingElseIsAClearError() {
        assertThatThrownBy(() -> MoqRelayUrl.parse("")).hasMessageContaining("empty");
        assertThatThrownBy(() -> MoqRelayUrl.parse("ftp://h/")).hasMessageContaining("https://, http://, moql://, wss:// or ws://");
        assertThatThrownBy(() -> MoqRelayUrl.parse("relay.example:4443")).hasMessageContaining("starts with");
        assertThatThrownBy(() -> MoqRelayUrl.parse("https:///path")).hasMessageContaining("no host");
        assertThatThrownBy(() -> MoqRelayUrl.parse("https://h/#x")).hasMessageContaining("fragment");
        assertThatThrownBy(() -> MoqRelayUrl.parse("https://h/a b")).hasMessageContaining("not a URL");
    }
}
