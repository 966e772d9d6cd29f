package dev.parley.app.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LinkInboxTest {
    private final List<String> later = new CopyOnWriteArrayList<>();
    private final LinkInbox inbox = new LinkInbox(later::add);

    @Test
    void aRoomLinkThatArrivesDuringStartUpOpensTheWindowInThatRoom() throws Exception {
        // The Apple event comes from another thread while main waits.
        Thread.ofPlatform().start(() -> inbox.offer(" parley-room:AQvRekk "));
        assertThat(inbox.commandLine(new String[0], Duration.ofSeconds(20))).containsExactly("room", "parley-room:AQvRekk");
        assertThat(later).isEmpty();
    }

    @Test
    void aLiveLinkDuringStartUpWatchesItAsOnLinux() throws Exception {
        inbox.offer("parley:abc/cam");
        assertThat(inbox.commandLine(new String[0], Duration.ofSeconds(20)))
                .containsExactly(TicketLinks.rewrite(new String[] {"parley:abc/cam"}));
    }

    @Test
    void withoutALinkThePlainStartGoesAheadAfterTheWait() throws Exception {
        assertThat(inbox.commandLine(new String[0], Duration.ofMillis(50))).isEmpty();
    }

    @Test
    void linksClickedWhileParleyRunsGoToANewProcess() throws Exception {
        inbox.commandLine(new String[0], Duration.ofMillis(1));
        inbox.offer("parley-room:second");
        inbox.offer("parley:live/cam");
        assertThat(later).containsExactly("parley-room:second", "parley:live/cam");
    }

    @Test
    void argumentsWinAndAnEarlyLinkIsNotLost() throws Exception {
        inbox.offer("parley-room:early");
        assertThat(inbox.commandLine(new String[] {"devices"}, Duration.ofSeconds(20))).containsExactly("devices");
        assertThat(later).containsExactly("parley-room:early");
    }

    @Test
    void onlyTheFirstEarlyLinkIsUsedTheOthersOpenTheirOwnProcess() throws Exception {
        inbox.offer("parley-room:one");
        inbox.offer("parley-room:two");
        assertThat(inbox.commandLine(new String[0], Duration.ofSeconds(20))).containsExactly("room", "parley-room:one");
        assertThat(later).containsExactly("parley-room:two");
    }

    @Test
    void otherUrisAreIgnored() throws Exception {
        inbox.offer("https://parley.dev");
        inbox.offer("parley:");
        inbox.offer("parley-room:   ");
        inbox.offer(null);
        assertThat(inbox.commandLine(new String[0], Duration.ofMillis(20))).isEmpty();
        inbox.offer("mailto:someone@example.org");
        assertThat(later).isEmpty();
    }

    @Test
    void aFloodOfEarlyLinksNeverBlocksTheEventThread() throws Exception {
        for (int i = 0; i < 100; i++) {
            inbox.offer("parley-room:r" + i);
        }
        // The queue is bounded; what does not fit is handed on at once instead of waiting.
        assertThat(later).isNotEmpty();
        assertThat(inbox.commandLine(new String[0], Duration.ofSeconds(20))).containsExactly("room", "parley-room:r0");
        assertThat(later).hasSize(99).contains("parley-room:r1", "parley-room:r99");
    }

    @Test
    void aNewProcessGetsTheLauncherAndTheLink() {
        assertThat(LinkInbox.relaunchCommand(List.of("/Applications/Parley.app/Contents/MacOS/Parley"), " parley-room:x "))
                .containsExactly("/Applications/Parley.app/Contents/MacOS/Parley", "parley-room:x");
    }

    @Test
    void elsewhereThanMacOsNothingIsInstalled() {
        // These tests run on Linux: the handler must not be registered (nor AWT loaded) there.
        org.junit.jupiter.api.Assumptions.assumeFalse(System.getProperty("os.name").startsWith("Mac"),
                "on macOS the handler is installed by design");
        assertThat(LinkInbox.install(List.of("/usr/bin/parley"))).isEmpty();
    }
}
