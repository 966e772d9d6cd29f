package dev.parley.net.moq.model;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MoqErrorTest {
    @Test
    void codesMatchTheSpec() {
        assertThat(MoqError.CANCEL.wireCode()).isZero();
        assertThat(MoqError.VERSION.wireCode()).isEqualTo(9);
        assertThat(MoqError.NOT_FOUND.wireCode()).isEqualTo(13);
        assertThat(MoqError.DROPPED.wireCode()).isEqualTo(24);
        assertThat(MoqError.CACHE_FULL.wireCode()).isEqualTo(26);
        for (MoqError e : MoqError.values()) {
            if (e != MoqError.APP && e != MoqError.UNKNOWN) {
                assertThat(MoqError.fromWireCode(e.wireCode())).isEqualTo(e);
            }
        }
    }

    @Test
    void appCodesAreOffsetBy64() {
        MoqException e = MoqException.app(3, "bye");
        assertThat(e.wireCode()).isEqualTo(67);
        assertThat(e.appCode()).isEqualTo(3);
        MoqException back = MoqException.fromWireCode(67, "peer");
        assertThat(back.error()).isEqualTo(MoqError.APP);
        assertThat(back.appCode()).isEqualTo(3);
    }

    @Test
    void unknownCodesKeepTheirRawValue() {
        MoqException e = MoqException.fromWireCode(7, "unassigned");
        assertThat(e.error()).isEqualTo(MoqError.UNKNOWN);
        assertThat(e.wireCode()).isEqualTo(7);
        assertThat(e.appCode()).isEqualTo(-1);
        assertThatThrownBy(MoqError.APP::wireCode).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> MoqException.fromWireCode(-1, "x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void exceptionCarriesCode() {
        MoqException e = new MoqException(MoqError.TIMEOUT, "slow");
        assertThat(e.wireCode()).isEqualTo(3);
        assertThat(e.getMessage()).contains("TIMEOUT").contains("slow");
    }
}
