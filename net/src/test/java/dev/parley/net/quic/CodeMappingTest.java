package dev.parley.net.quic;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Pure mappings: WebTransport error space and stream priority to quiche urgency. */
class CodeMappingTest {

    @Test
    void webTransportEncodingMatchesTheHttp3Formula() {
        assertThat(WebTransportCodes.toWire(0)).isEqualTo(0x52e4a40fa8dbL);
        assertThat(WebTransportCodes.toWire(0x1d)).isEqualTo(0x52e4a40fa8dbL + 0x1d);
        // Every 0x1e codes one reserved HTTP/3 value is skipped.
        assertThat(WebTransportCodes.toWire(0x1e)).isEqualTo(0x52e4a40fa8dbL + 0x1f);
        assertThat(WebTransportCodes.toWire(0xffff_ffffL)).isEqualTo(WebTransportCodes.LAST);
        assertThat(WebTransportCodes.toWire(1L << 40)).isEqualTo(WebTransportCodes.LAST); // clamped to 32 bits
    }

    @Test
    void decodingInvertsEncodingAndMapsOutOfRangeToZero() {
        for (long c : new long[] {0, 1, 7, 0x1d, 0x1e, 0x1f, 64, 65, 1000, 123_456_789, 0xffff_fffeL, 0xffff_ffffL}) {
            assertThat(WebTransportCodes.fromWire(WebTransportCodes.toWire(c))).as("code %d", c).isEqualTo(c);
        }
        assertThat(WebTransportCodes.fromWire(5)).isZero();
        assertThat(WebTransportCodes.fromWire(WebTransportCodes.FIRST - 1)).isZero();
        assertThat(WebTransportCodes.fromWire(WebTransportCodes.LAST + 1)).isZero();
    }

    @Test
    void higherPriorityGetsLowerUrgency() {
        assertThat(Priorities.urgency(255)).isZero();
        assertThat(Priorities.urgency(224)).isZero();
        assertThat(Priorities.urgency(223)).isEqualTo(1);
        assertThat(Priorities.urgency(128)).isEqualTo(3);
        assertThat(Priorities.urgency(31)).isEqualTo(7);
        assertThat(Priorities.urgency(0)).isEqualTo(7);
        assertThat(Priorities.urgency(-5)).isEqualTo(7);
        assertThat(Priorities.urgency(Long.MAX_VALUE)).isZero();
        for (long p = 0; p < 255; p++) {
            assertThat(Priorities.urgency(p + 1)).isLessThanOrEqualTo(Priorities.urgency(p));
        }
    }
}
