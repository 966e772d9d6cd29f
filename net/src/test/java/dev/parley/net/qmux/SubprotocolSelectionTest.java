package dev.parley.net.qmux;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The WebSocket version choice as a pure function over random offers: the server's newest app protocol
 * the client offers as {@code qmux-0x.<protocol>} in the newest wire format offered for it, whatever the
 * client's order, else the newest bare {@code qmux-0x}, else nothing (a 400).
 */
class SubprotocolSelectionTest {
    private static final List<String> POOL = List.of("qmux-00.moq-lite-05", "qmux-00.moq-lite-04", "qmux-00.moq-lite-03",
            "qmux-01.moq-lite-05", "qmux-02.moq-lite-05", "qmux-00.moq-lite-02", "qmux-00.moql", "qmux-00.moqt-17",
            "webtransport.moq-lite-03", "qmux-00", "qmux-01", "qmux-02", "webtransport", "qmux-00.", "");

    @Test
    void newestCommonVersionThenBareThenNothing() {
        UpgradeGate gate = new UpgradeGate(QmuxConfig.MOQ_LITE);
        Random rnd = new Random(13);
        for (int i = 0; i < 20_000; i++) {
            List<String> offered = new ArrayList<>();
            for (int n = rnd.nextInt(8); n > 0; n--) {
                offered.add(POOL.get(rnd.nextInt(POOL.size())));
            }
            Collections.shuffle(offered, rnd);
            String expected = null;
            search:
            for (String app : QmuxConfig.MOQ_LITE) {
                for (String wire : List.of("qmux-02", "qmux-01", "qmux-00")) {
                    if (offered.contains(wire + "." + app)) {
                        expected = wire + "." + app;
                        break search;
                    }
                }
            }
            if (expected == null) {
                expected = offered.contains("qmux-02") ? "qmux-02" : offered.contains("qmux-01") ? "qmux-01"
                        : offered.contains("qmux-00") ? "qmux-00" : null;
            }
            assertThat(gate.select(offered)).as("%s", offered).isEqualTo(expected);
        }
        assertThat(new UpgradeGate(List.of("moq-lite-03")).select(List.of("qmux-00.moq-lite-05", "qmux-00.moq-lite-03")))
                .isEqualTo("qmux-00.moq-lite-03");
        // what the npm clients offer by default: @moq/lite 0.2.2, @moq/publish 0.2.17 (@moq/net 0.1.9), @moq/net 0.3.4
        assertThat(gate.select(List.of("qmux-00", "webtransport"))).isEqualTo("qmux-00");
        assertThat(gate.select(List.of("qmux-01", "qmux-00", "webtransport"))).isEqualTo("qmux-01");
        assertThat(gate.select(List.of("qmux-02.moq-lite-05", "qmux-01.moq-lite-05", "qmux-00.moq-lite-05",
                "qmux-02.moq-lite-04", "qmux-00.moq-lite-03", "qmux-02", "qmux-01", "qmux-00", "webtransport")))
                .isEqualTo("qmux-02.moq-lite-05");
        // the newest app protocol beats the newest wire format
        assertThat(gate.select(List.of("qmux-02.moq-lite-03", "qmux-00.moq-lite-04"))).isEqualTo("qmux-00.moq-lite-04");
        assertThat(gate.select(List.of("webtransport", "webtransport.moq-lite-03", "qmux-03"))).isNull();
    }

    @Test
    void theDefaultsMatchTheWireVersions() {
        assertThat(QmuxConfig.MOQ_LITE).isEqualTo(dev.parley.net.moq.wire.Version.alpns(dev.parley.net.moq.wire.Version.NEWEST_FIRST));
    }
}
