package dev.parley.app.ui.start;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RelayInputTest {
    @Test
    void blankMeansNoRelayAndHttpUrlsAreRelays() {
        assertThat(RelayInput.problem(null)).isEmpty();
        assertThat(RelayInput.problem("   ")).isEmpty();
        assertThat(RelayInput.problem("http://198.18.1.2:3340/")).isEmpty();
        assertThat(RelayInput.problem(" https://relay.example.org ")).as("surrounding spaces are trimmed").isEmpty();
    }

    @Test
    void anythingElseSaysWhatAUsableAddressLooksLike() {
        assertThat(RelayInput.problem("relay.example.org")).hasValueSatisfying(m -> assertThat(m).contains("http://host:port/"));
        assertThat(RelayInput.problem("ftp://relay.example.org/")).isPresent();
        assertThat(RelayInput.problem("http://relay example.org/")).hasValueSatisfying(m -> assertThat(m).contains("no spaces"));
        assertThat(RelayInput.problem("http://" + "a".repeat(300) + "/")).hasValueSatisfying(m -> assertThat(m).contains("too long"));
    }
}
