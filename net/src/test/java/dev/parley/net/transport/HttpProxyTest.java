package dev.parley.net.transport;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HttpProxyTest {
    private static Optional<String> proxy(boolean secure, String host, Map<String, String> env) {
        return HttpProxy.forTarget(secure, host, env).map(HttpProxy::toString);
    }

    @Test
    void theSchemesVariableWinsOverAllProxyAndLowerCaseOverUpperCase() {
        Map<String, String> env = Map.of("HTTPS_PROXY", "http://corp:3128", "HTTP_PROXY", "plain:8080",
                "ALL_PROXY", "http://any:1", "https_proxy", "http://lower:3129");
        assertThat(proxy(true, "relay.example.org", env)).contains("http://lower:3129");
        assertThat(proxy(false, "relay.example.org", env)).contains("http://plain:8080");
        assertThat(proxy(false, "relay.example.org", Map.of("ALL_PROXY", "http://any:1"))).contains("http://any:1");
        assertThat(proxy(true, "relay.example.org", Map.of())).isEmpty();
        assertThat(proxy(true, "relay.example.org", Map.of("HTTPS_PROXY", " "))).as("blank is unset").isEmpty();
    }

    @Test
    void noProxyNamesDomainsAddressesAndRangesAndLoopbackIsNeverProxied() {
        Map<String, String> env = Map.of("HTTP_PROXY", "http://corp:3128",
                "NO_PROXY", "internal.example, .lan,10.0.0.0/8, 192.0.2.7, fd00::/8");
        assertThat(proxy(false, "relay.internal.example", env)).isEmpty();
        assertThat(proxy(false, "internal.example", env)).isEmpty();
        assertThat(proxy(false, "box.lan", env)).isEmpty();
        assertThat(proxy(false, "10.77.1.2", env)).isEmpty();
        assertThat(proxy(false, "192.0.2.7", env)).isEmpty();
        assertThat(proxy(false, "[fd00::2]", env)).isEmpty();
        assertThat(proxy(false, "notinternal.example", env)).as("a suffix must be a whole label").isPresent();
        assertThat(proxy(false, "11.0.0.1", env)).isPresent();
        assertThat(proxy(false, "192.0.2.8", env)).isPresent();
        assertThat(proxy(false, "relay.example.org", Map.of("HTTP_PROXY", "corp:1", "no_proxy", "*"))).isEmpty();
        for (String loop : new String[] {"localhost", "127.0.0.1", "[::1]"}) {
            assertThat(proxy(false, loop, Map.of("HTTP_PROXY", "corp:1"))).as(loop).isEmpty();
        }
    }

    @Test
    void proxyUrlsParseWithCredentialsAndDefaultPortAndBadOnesAreRefusedWithTheReason() {
        HttpProxy p = HttpProxy.parse("http://alice:s3cret@proxy.corp");
        assertThat(p.address().getHostString()).isEqualTo("proxy.corp");
        assertThat(p.address().getPort()).isEqualTo(80);
        assertThat(p.address().isUnresolved()).as("resolved only when connecting").isTrue();
        assertThat(p.user()).isEqualTo("alice");
        assertThat(p.password()).isEqualTo("s3cret");
        assertThat(p.toString()).as("the password is never printed").isEqualTo("http://alice:***@proxy.corp:80");
        assertThat(HttpProxy.parse("[2001:db8::1]:3128").address().getHostString()).isEqualTo("2001:db8::1");
        assertThatThrownBy(() -> HttpProxy.parse("socks5://proxy:1080")).hasMessageContaining("only http://");
        assertThatThrownBy(() -> HttpProxy.parse("http://")).isInstanceOf(IllegalArgumentException.class);
    }
}
