package dev.parley.app.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TicketLinksTest {
    @Test
    void aRoomLinkOpensTheWindowInThatRoom() {
        assertThat(TicketLinks.rewrite(new String[] {" parley-room:AQvRekk "})).containsExactly("room", "parley-room:AQvRekk");
    }

    @Test
    void aLiveTicketLinkWatchesIt() {
        assertThat(TicketLinks.rewrite(new String[] {"parley:abc/cam"})).containsExactly("watch", "parley:abc/cam", "--headless");
    }

    @Test
    void ordinaryCommandLinesAreLeftAlone() {
        assertThat(TicketLinks.rewrite(new String[] {"--help"})).containsExactly("--help");
        assertThat(TicketLinks.rewrite(new String[] {"room", "parley-room:x"})).containsExactly("room", "parley-room:x");
        assertThat(TicketLinks.rewrite(new String[0])).isEmpty();
    }
}
