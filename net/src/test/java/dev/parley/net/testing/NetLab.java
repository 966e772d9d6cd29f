package dev.parley.net.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A network lab made of Linux network namespaces, for tests that must cross a real network: hosts on a
 * simulated internet (198.18.0.0/15) joined by a router namespace, and homes (10.77.0.0/16) behind
 * nftables NAT boxes. Each link between the router and a host or NAT box can be impaired at run time:
 * a {@code tbf} bottleneck per direction, random loss per direction (nftables {@code numgen random}) and
 * a blackout. Real processes run inside with {@link Node#exec} / {@link Node#java}.
 *
 * <pre>
 *   host a (198.18.1.2) ──r1─┐                         ┌── home "h" NAT box (198.18.2.2) ── 10.77.1.2 host b
 *                            router (ip_forward, drops private destinations)
 * </pre>
 *
 * Addressing: link {@code i} is 198.18.i.0/24, the router is .1 on it and the host or NAT box .2; home
 * {@code j} is 10.77.j.0/24 behind its NAT box (.1), its hosts .2, .3, .... The router drops every packet
 * addressed to a private, shared or loopback range before routing (no ICMP answer, as on the internet)
 * and blackholes unassigned 198.18.0.0/15 addresses, so a dial to an unreachable address waits out its
 * timeout like it would for real.
 *
 * <p>IPv6 on request ({@link #internetHost(String, boolean)}, {@link #home(String, Nat, boolean)}): link
 * {@code i} is also 2001:db8:0:i::/64 (router ::1, node ::2), home {@code j} routes 2001:db8:1:j::/64 to
 * its hosts (::2, ::3, ...) without NAT, behind the same stateful firewall, as home routers do with IPv6.
 * Unassigned 2001:db8::/32 addresses are blackholed and unique-local ones (fc00::/7) dropped.
 *
 * <p>Namespaces are named {@code <prefix><4 random hex>-<node>}; the prefix is {@code plab} unless the
 * system property {@code parley.netlab.prefix} or the environment variable {@code PARLEY_NETLAB_PREFIX}
 * says otherwise. {@link #close()} (also run by a JVM shutdown hook) kills the processes started here and
 * deletes the namespaces; every command it runs is bounded by a timeout.
 *
 * <p>Needs root, {@code ip netns}, {@code tc} and {@code nft}: check {@link #available()} and skip with
 * its reason: {@link #assumeAvailable(Class)}.
 */
public final class NetLab implements AutoCloseable {
    /** Whether the lab can run here, and if not why. */
    public record Availability(boolean ok, String reason) {
    }

    /** Endpoint-independent ("cone", hole punching works) or symmetric (a new port per destination). */
    public enum Nat {
        ENDPOINT_INDEPENDENT("masquerade persistent"),
        SYMMETRIC("masquerade fully-random");

        final String rule;

        Nat(String rule) {
            this.rule = rule;
        }
    }

    /** Direction on a link: toward the host (the router's egress) or from it (the host's egress). */
    public enum Direction { TO_HOST, FROM_HOST }

    /**
     * The lab's TCP congestion control, whatever the host's default: a loss-based one, as desktops and phones
     * run (CUBIC; Reno where the host does not allow namespaces CUBIC). {@code -Dparley.lab.tcp=bbr} to compare.
     */
    static final String TCP_CONGESTION_CONTROL = System.getProperty("parley.lab.tcp", lossBasedCongestionControl());
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(15);
    private static final Pattern NODE_NAME = Pattern.compile("[a-z][a-z0-9]{0,9}");
    private static final String PRIVATE_RANGES =
            "10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10, 127.0.0.0/8, 169.254.0.0/16";
    private static final Set<NetLab> OPEN = ConcurrentHashMap.newKeySet();
    private static volatile Availability availability;

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> OPEN.forEach(NetLab::close), "netlab-teardown"));
    }

    private final String prefix;
    private final String routerNs;
    private final Map<String, Node> nodes = new LinkedHashMap<>();
    private final List<String> namespaces = new CopyOnWriteArrayList<>();
    private final List<LabProcess> processes = new CopyOnWriteArrayList<>();
    private int nextLink = 1;
    private int nextHome = 1;
    private volatile boolean closed;

    private NetLab(String prefix) {
        this.prefix = prefix;
        this.routerNs = prefix + "-inet";
    }

    /**
     * Whether the kernel has IPv6 at all (not booted with {@code ipv6.disable=1}): the lab's IPv6 option needs
     * it; tests of it skip with this reason otherwise. The lab turns IPv6 on in its own namespaces whatever the
     * host's {@code disable_ipv6}.
     */
    public static boolean ipv6Supported() {
        return Files.isDirectory(Path.of("/proc/sys/net/ipv6/conf"));
    }

    /** The base name prefix: {@code parley.netlab.prefix}, {@code PARLEY_NETLAB_PREFIX} or {@code plab}. */
    public static String basePrefix() {
        String p = System.getProperty("parley.netlab.prefix");
        if (p == null || p.isBlank()) {
            p = System.getenv("PARLEY_NETLAB_PREFIX");
        }
        return p == null || p.isBlank() ? "plab" : p.trim();
    }

    /** Checks once per JVM: root, a namespace can be made and filtered, {@code tc} is there. */
    /** Skips the calling test (a JUnit assumption) when the lab cannot run here, printing why. */
    public static void assumeAvailable(Class<?> test) {
        Availability a = available();
        if (!a.ok()) {
            System.out.println(test.getSimpleName() + " skipped: " + a.reason());
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(a.ok(), a.reason());
    }

    public static Availability available() {
        Availability a = availability;
        if (a == null) {
            a = probe();
            availability = a;
        }
        return a;
    }

    private static Availability probe() {
        if (!System.getProperty("os.name", "").toLowerCase().contains("linux")) {
            return new Availability(false, "the network lab needs Linux network namespaces (os.name="
                    + System.getProperty("os.name") + ")");
        }
        try {
            Result id = exec(List.of("id", "-u"), null, Duration.ofSeconds(5));
            if (!id.out().trim().equals("0")) {
                return new Availability(false, "the network lab needs root (uid " + id.out().trim() + ")");
            }
            for (List<String> tool : List.of(List.of("ip", "-V"), List.of("tc", "-V"), List.of("nft", "--version"))) {
                Result r = exec(tool, null, Duration.ofSeconds(5));
                if (r.code() != 0) {
                    return new Availability(false, "'" + String.join(" ", tool) + "' failed (install iproute2 and "
                            + "nftables, e.g. scripts/system-deps.sh): " + r.err().trim());
                }
            }
            String ns = basePrefix() + random() + "-probe";
            Result add = exec(List.of("ip", "netns", "add", ns), null, Duration.ofSeconds(5));
            if (add.code() != 0) {
                return new Availability(false, "'ip netns add' failed: " + add.err().trim());
            }
            try {
                Result nft = exec(List.of("ip", "netns", "exec", ns, "nft", "add", "table", "inet", "probe"), null,
                        Duration.ofSeconds(5));
                if (nft.code() != 0) {
                    return new Availability(false, "nftables does not work in a namespace: " + nft.err().trim());
                }
            } finally {
                exec(List.of("ip", "netns", "del", ns), null, Duration.ofSeconds(5));
            }
            return new Availability(true, "root, ip netns, nft and tc work");
        } catch (IOException e) {
            return new Availability(false, "cannot run the lab's tools (iproute2, nftables): " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Availability(false, "interrupted while probing the lab");
        }
    }

    /** CUBIC when a namespace may use it, else Reno (a namespace may only pick from the host's allowed list). */
    private static String lossBasedCongestionControl() {
        try {
            String allowed = Files.readString(Path.of("/proc/sys/net/ipv4/tcp_allowed_congestion_control"));
            return List.of(allowed.trim().split("\\s+")).contains("cubic") ? "cubic" : "reno";
        } catch (IOException e) {
            return "reno";
        }
    }

    private static String random() {
        byte[] b = new byte[2];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** Creates the router of a fresh lab with a unique name prefix. Close it (try-with-resources). */
    public static NetLab create() throws IOException {
        Availability a = available();
        if (!a.ok()) {
            throw new IllegalStateException("the network lab is not available: " + a.reason());
        }
        NetLab lab = new NetLab(basePrefix() + random());
        OPEN.add(lab);
        try {
            lab.addNamespace(lab.routerNs);
            lab.sh(lab.routerNs, "sysctl", "-qw", "net.ipv4.ip_forward=1");
            lab.ip(lab.routerNs, "route add blackhole 198.18.0.0/15");
            if (ipv6Supported()) {
                lab.sh(lab.routerNs, "sysctl", "-qw", "net.ipv6.conf.all.forwarding=1");
                lab.ip(lab.routerNs, "route add blackhole 2001:db8::/32");
            }
            lab.nft(lab.routerNs, """
                    table inet lab {
                      chain pre {
                        type filter hook prerouting priority -150
                        ip daddr { %s } counter drop
                        ip saddr { %s } counter drop
                        ip6 daddr fc00::/7 counter drop
                        ip6 saddr fc00::/7 counter drop
                      }
                      chain forward {
                        type filter hook forward priority 0
                      }
                    }
                    """.formatted(PRIVATE_RANGES, PRIVATE_RANGES));
        } catch (IOException | RuntimeException e) {
            lab.close();
            throw e;
        }
        return lab;
    }

    /** The per-run prefix of every namespace of this lab. */
    public String prefix() {
        return prefix;
    }

    /** The router's namespace name (for commands such as {@code nft list ruleset}). */
    public String routerNamespace() {
        return routerNs;
    }

    /** A host directly on the simulated internet, with a public 198.18.i.2 address. */
    public synchronized Node internetHost(String name) throws IOException {
        return internetHost(name, false);
    }

    /** {@link #internetHost(String)}, with a public 2001:db8:0:i::2 address too when {@code ipv6}. */
    public synchronized Node internetHost(String name, boolean ipv6) throws IOException {
        Link link = newLink(name, ipv6);
        Node node = new Node(name, link.nodeNs, link.nodeAddress, link.nodeAddress6, link, null);
        nodes.put(name, node);
        return node;
    }

    /** A home behind a NAT box on the simulated internet; add hosts with {@link Home#host}. */
    public synchronized Home home(String name, Nat nat) throws IOException {
        return home(name, nat, false);
    }

    /**
     * {@link #home(String, Nat)}; when {@code ipv6}, the NAT box also routes 2001:db8:1:j::/64 to the home's
     * hosts, without NAT but behind the same firewall (unsolicited inbound dropped).
     */
    public synchronized Home home(String name, Nat nat, boolean ipv6) throws IOException {
        Link link = newLink(name, ipv6);
        int j = nextHome++;
        String ns = link.nodeNs;
        sh(ns, "sysctl", "-qw", "net.ipv4.ip_forward=1");
        if (ipv6) {
            sh(ns, "sysctl", "-qw", "net.ipv6.conf.all.forwarding=1");
        }
        ip(ns, "link add br0 type bridge", "addr add 10.77." + j + ".1/24 dev br0", "link set br0 up");
        if (ipv6) {
            ip(ns, "addr add " + homePrefix(j) + "1/64 dev br0 nodad");
            ip(routerNs, "route add " + homePrefix(j) + "/64 via " + linkPrefix(link.index) + "2");
        }
        // Unsolicited packets from outside are dropped silently, as home routers do.
        nft(ns, """
                table ip nat {
                  chain post {
                    type nat hook postrouting priority 100
                    oifname "eth0" %s
                  }
                }
                table inet home {
                  chain input {
                    type filter hook input priority 0
                    iifname "eth0" ct state established,related accept
                    iifname "eth0" icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } accept
                    iifname "eth0" drop
                  }
                  chain forward {
                    type filter hook forward priority 0
                    iifname "eth0" ct state established,related accept
                    iifname "eth0" drop
                  }
                }
                """.formatted(nat.rule));
        Home home = new Home(name, ns, j, nat, link, ipv6);
        return home;
    }

    /** 2001:db8:0:i:: (link {@code i}; the router is ::1 on it, the node ::2). */
    private static String linkPrefix(int i) {
        return "2001:db8:0:" + Integer.toHexString(i) + "::";
    }

    /** 2001:db8:1:j:: (home {@code j}'s network; the NAT box is ::1, hosts ::2, ::3, ...). */
    private static String homePrefix(int j) {
        return "2001:db8:1:" + Integer.toHexString(j) + "::";
    }

    private Link newLink(String name, boolean ipv6) throws IOException {
        checkOpen();
        if (ipv6 && !ipv6Supported()) {
            throw new IllegalStateException("this kernel has no IPv6 (check NetLab.ipv6Supported() first)");
        }
        if (!NODE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("node names are 1-10 lowercase letters and digits: " + name);
        }
        if (nodes.containsKey(name) || namespaces.contains(prefix + "-" + name)) {
            throw new IllegalArgumentException("name already used in this lab: " + name);
        }
        int i = nextLink++;
        if (i > 250) {
            throw new IllegalStateException("too many links");
        }
        String ns = prefix + "-" + name;
        addNamespace(ns);
        String routerIf = "r" + i;
        // Create both ends directly in their namespaces: no name is ever taken in the root namespace.
        run(List.of("ip", "link", "add", "eth0", "netns", ns, "type", "veth", "peer", "name", routerIf, "netns", routerNs));
        ip(ns, "addr add 198.18." + i + ".2/24 dev eth0", "link set eth0 up",
                "route add default via 198.18." + i + ".1");
        ip(routerNs, "addr add 198.18." + i + ".1/24 dev " + routerIf, "link set " + routerIf + " up");
        if (ipv6) {
            ip(ns, "addr add " + linkPrefix(i) + "2/64 dev eth0 nodad", "route add default via " + linkPrefix(i) + "1");
            ip(routerNs, "addr add " + linkPrefix(i) + "1/64 dev " + routerIf + " nodad");
        }
        nft(routerNs, """
                add chain inet lab up_%1$s
                add chain inet lab down_%1$s
                add rule inet lab forward iifname "%1$s" jump up_%1$s
                add rule inet lab forward oifname "%1$s" jump down_%1$s
                """.formatted(routerIf));
        return new Link(name, ns, routerIf, i, address("198.18." + i + ".2"), ipv6 ? address(linkPrefix(i) + "2") : null);
    }

    private void addNamespace(String ns) throws IOException {
        run(List.of("ip", "netns", "add", ns));
        namespaces.add(ns);
        ip(ns, "link set lo up");
        // A new namespace takes the host's default TCP congestion control. A tuned server's BBR is not what the
        // desktops at the ends of a call run, and on the lab's microsecond RTT BBR v1 keeps the bandwidth of its
        // first round trips: it sent half its bytes twice through a 200 kbit/s link (docs/netlab.md).
        sh(ns, "sysctl", "-qw", "net.ipv4.tcp_congestion_control=" + TCP_CONGESTION_CONTROL);
        if (ipv6Supported()) {
            // IPv6 on (whatever the host's default), addresses usable at once (no duplicate address detection),
            // including the link-local ones neighbour discovery runs on; no router advertisements taken
            sh(ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=0", "net.ipv6.conf.default.disable_ipv6=0",
                    "net.ipv6.conf.default.accept_dad=0", "net.ipv6.conf.default.accept_ra=0");
        }
    }

    /**
     * Runs a short command in one of this lab's namespaces (the router's, a NAT box's, a host's), e.g.
     * {@code tc -s qdisc} or {@code nft list ruleset}, and returns its stdout; fails on a non-zero exit.
     */
    public String runIn(String namespace, String... command) throws IOException {
        checkOpen();
        if (!namespaces.contains(namespace)) {
            throw new IllegalArgumentException("not a namespace of this lab: " + namespace);
        }
        return sh(namespace, command);
    }

    /** The node called {@code name}. */
    public synchronized Node node(String name) {
        Node n = nodes.get(name);
        if (n == null) {
            throw new IllegalArgumentException("no node " + name);
        }
        return n;
    }

    /** Packets the router dropped because they were addressed to (or came from) a private range. */
    public long privateDrops() throws IOException {
        String listing = sh(routerNs, "nft", "list", "chain", "inet", "lab", "pre");
        Matcher m = Pattern.compile("counter packets (\\d+)").matcher(listing);
        long total = 0;
        while (m.find()) {
            total += Long.parseLong(m.group(1));
        }
        return total;
    }

    /** Kills every process started in the lab and deletes its namespaces; idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (LabProcess p : processes) {
            p.kill();
        }
        for (String ns : namespaces.reversed()) {
            try {
                // Anything still running in the namespace (a child the test forgot) goes too.
                Result pids = exec(List.of("ip", "netns", "pids", ns), null, Duration.ofSeconds(5));
                for (String pid : pids.out().split("\\s+")) {
                    if (!pid.isBlank()) {
                        ProcessHandle.of(Long.parseLong(pid.trim())).ifPresent(ProcessHandle::destroyForcibly);
                    }
                }
                exec(List.of("ip", "netns", "del", ns), null, Duration.ofSeconds(5));
            } catch (IOException | RuntimeException e) {
                System.err.println("netlab: could not delete namespace " + ns + ": " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        OPEN.remove(this);
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the lab is closed");
        }
    }

    // ---- nodes, homes and links ----

    /** A host in the lab: a namespace with one address, where processes run. */
    public final class Node {
        private final String name;
        private final String namespace;
        private volatile InetAddress address;
        private final InetAddress address6;
        private final Link link;
        private final Home home;

        private Node(String name, String namespace, InetAddress address, InetAddress address6, Link link, Home home) {
            this.name = name;
            this.namespace = namespace;
            this.address = address;
            this.address6 = address6;
            this.link = link;
            this.home = home;
        }

        public String name() {
            return name;
        }

        public String namespace() {
            return namespace;
        }

        /** Its own address: public (198.18.x.2) on the internet, private (10.77.x.y) in a home. */
        public InetAddress address() {
            return address;
        }

        /**
         * Moves this home host to a new IPv4 address in its home, as a new DHCP lease or a hop to another
         * access point of the same network does: the old address is gone at once (packets to it are lost,
         * sockets bound to it break), the NAT maps the new one afresh. Returns the new address.
         */
        public InetAddress renumber() throws IOException {
            if (home == null) {
                throw new IllegalStateException(name + " is not in a home");
            }
            InetAddress fresh;
            synchronized (NetLab.this) {
                checkOpen();
                String a = "10.77." + home.index + "." + home.nextHost++;
                ip(namespace, "addr del " + address.getHostAddress() + "/24 dev eth0", "addr add " + a + "/24 dev eth0",
                        "route replace default via 10.77." + home.index + ".1");
                fresh = NetLab.address(a);
            }
            address = fresh;
            return fresh;
        }

        /** Its IPv6 address (2001:db8:…, public: homes do not NAT IPv6), or null on an IPv4-only node. */
        public InetAddress address6() {
            return address6;
        }

        /** The impairable link toward the router: its own, or its home's uplink. */
        public Link link() {
            return link;
        }

        /** The home it is in, or null when it is on the internet. */
        public Home home() {
            return home;
        }

        /** Runs a short command in this namespace and returns its stdout; fails on a non-zero exit. */
        public String run(String... command) throws IOException {
            return sh(namespace, command);
        }

        /**
         * Starts {@code command} in this namespace with this JVM's environment plus {@code env} (a null value
         * removes the variable); the lab kills it on close.
         */
        public LabProcess exec(List<String> command, Map<String, String> env) throws IOException {
            checkOpen();
            List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
            full.addAll(command);
            ProcessBuilder pb = new ProcessBuilder(full);
            pb.environment().remove("DISPLAY");
            pb.environment().remove("WAYLAND_DISPLAY");
            env.forEach((k, v) -> {
                if (v == null) {
                    pb.environment().remove(k);
                } else {
                    pb.environment().put(k, v);
                }
            });
            long start = System.nanoTime();
            LabProcess p = new LabProcess(name + ":" + Path.of(command.getFirst()).getFileName(), pb.start(), start);
            processes.add(p);
            return p;
        }

        /** Starts {@code command} in this namespace; the lab kills it on close. */
        public LabProcess exec(String... command) throws IOException {
            return exec(List.of(command), Map.of());
        }

        /**
         * Starts a JVM running {@code mainClass} with this JVM's classpath (the test classpath) in this
         * namespace, with {@code jvmArgs} before the class name and {@code args} after it.
         */
        public LabProcess java(String mainClass, List<String> jvmArgs, List<String> args, Map<String, String> env)
                throws IOException {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-Xmx256m",
                    "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path")));
            cmd.addAll(jvmArgs);
            cmd.add(mainClass);
            cmd.addAll(args);
            LabProcess p = exec(cmd, env);
            return p;
        }

        /** {@link #java(String, List, List, Map)} with no extra JVM options or environment. */
        public LabProcess java(Class<?> mainClass, String... args) throws IOException {
            return java(mainClass.getName(), List.of(), List.of(args), Map.of());
        }

        @Override
        public String toString() {
            return name + "(" + address.getHostAddress() + " in " + namespace + ")";
        }
    }

    /** A home network behind a NAT box; its uplink is {@link #link()}. */
    public final class Home {
        private final String name;
        private final String namespace;
        private final int index;
        private final Nat nat;
        private final Link link;
        private final boolean ipv6;
        private int nextHost = 2;

        private Home(String name, String namespace, int index, Nat nat, Link link, boolean ipv6) {
            this.name = name;
            this.namespace = namespace;
            this.index = index;
            this.nat = nat;
            this.link = link;
            this.ipv6 = ipv6;
        }

        /** A host in this home with a private 10.77.j.k address, routed through the NAT box. */
        public Node host(String hostName) throws IOException {
            synchronized (NetLab.this) {
                checkOpen();
                if (!NODE_NAME.matcher(hostName).matches() || nodes.containsKey(hostName)) {
                    throw new IllegalArgumentException("bad or used node name: " + hostName);
                }
                int k = nextHost++;
                String ns = prefix + "-" + hostName;
                addNamespace(ns);
                String natIf = "v" + k;
                run(List.of("ip", "link", "add", "eth0", "netns", ns, "type", "veth", "peer", "name", natIf, "netns", namespace));
                ip(namespace, "link set " + natIf + " master br0", "link set " + natIf + " up");
                String addr = "10.77." + index + "." + k;
                ip(ns, "addr add " + addr + "/24 dev eth0", "link set eth0 up", "route add default via 10.77." + index + ".1");
                InetAddress addr6 = null;
                if (ipv6) {
                    String a6 = homePrefix(index) + Integer.toHexString(k);
                    ip(ns, "addr add " + a6 + "/64 dev eth0 nodad", "route add default via " + homePrefix(index) + "1");
                    addr6 = address(a6);
                }
                Node node = new Node(hostName, ns, address(addr), addr6, link, this);
                nodes.put(hostName, node);
                return node;
            }
        }

        public String name() {
            return name;
        }

        public Nat nat() {
            return nat;
        }

        /** The NAT box's public address: what hosts of this home look like from the internet. */
        public InetAddress publicAddress() {
            return link.nodeAddress;
        }

        /** The NAT box's namespace (for {@code conntrack -L} and the like). */
        public String namespace() {
            return namespace;
        }

        /** The uplink between the NAT box and the router. */
        public Link link() {
            return link;
        }
    }

    /**
     * The link between the router and one host or NAT box. Impairments apply to packets crossing it and
     * can be changed while traffic flows: {@link #shape} (tbf on the egress of that direction, reshaped in
     * place), {@link #loss} (random drop in the router's forward path) and {@link #blackout}.
     */
    public final class Link {
        private final String name;
        private final String nodeNs;
        private final String routerIf;
        private final int index;
        private final InetAddress nodeAddress;
        private final InetAddress nodeAddress6;
        private final int[] lossPercent = new int[2];
        private final boolean[] shaped = new boolean[2];
        private boolean blackout;

        private Link(String name, String nodeNs, String routerIf, int index, InetAddress nodeAddress, InetAddress nodeAddress6) {
            this.name = name;
            this.nodeNs = nodeNs;
            this.routerIf = routerIf;
            this.index = index;
            this.nodeAddress = nodeAddress;
            this.nodeAddress6 = nodeAddress6;
        }

        public String name() {
            return name;
        }

        /**
         * A {@code tbf} bottleneck in one direction: {@code rateKbit} kbit/s, a bucket of {@code burstBytes},
         * and a queue that holds at most {@code latency} worth of packets (the rest is tail-dropped). A second
         * call reshapes in place ({@code tc qdisc change}): packets already queued stay.
         */
        public synchronized void shape(Direction dir, long rateKbit, int burstBytes, Duration latency) throws IOException {
            checkOpen();
            String verb = shaped[dir.ordinal()] ? "change" : "replace";
            String[] where = egress(dir);
            sh(where[0], "tc", "qdisc", verb, "dev", where[1], "root", "tbf", "rate", rateKbit + "kbit",
                    "burst", String.valueOf(burstBytes), "latency", latency.toMillis() + "ms");
            shaped[dir.ordinal()] = true;
        }

        /** {@link #shape(Direction, long, int, Duration)} with a 32 kB bucket. */
        public void shape(Direction dir, long rateKbit, Duration latency) throws IOException {
            shape(dir, rateKbit, 32 * 1024, latency);
        }

        /** Removes the bottleneck in one direction. */
        public synchronized void unshape(Direction dir) throws IOException {
            checkOpen();
            if (shaped[dir.ordinal()]) {
                String[] where = egress(dir);
                sh(where[0], "tc", "qdisc", "del", "dev", where[1], "root");
                shaped[dir.ordinal()] = false;
            }
        }

        /** {@code tc qdisc show} of the egress interface of {@code dir}, to check what is configured. */
        public String qdiscs(Direction dir) throws IOException {
            String[] where = egress(dir);
            return sh(where[0], "tc", "qdisc", "show", "dev", where[1]);
        }

        private String[] egress(Direction dir) {
            return dir == Direction.TO_HOST ? new String[] {routerNs, routerIf} : new String[] {nodeNs, "eth0"};
        }

        /** Drops {@code percent} % of the UDP packets crossing in {@code dir}, at random (0 turns it off). */
        public synchronized void loss(Direction dir, int percent) throws IOException {
            if (percent < 0 || percent > 100) {
                throw new IllegalArgumentException("loss is 0..100 %");
            }
            lossPercent[dir.ordinal()] = percent;
            apply();
        }

        /** While on, every packet crossing the link in either direction is dropped. */
        public synchronized void blackout(boolean on) throws IOException {
            blackout = on;
            apply();
        }

        public synchronized boolean blackout() {
            return blackout;
        }

        private void apply() throws IOException {
            checkOpen();
            StringBuilder script = new StringBuilder();
            for (Direction d : Direction.values()) {
                String chain = (d == Direction.TO_HOST ? "down_" : "up_") + routerIf;
                script.append("flush chain inet lab ").append(chain).append('\n');
                if (blackout) {
                    script.append("add rule inet lab ").append(chain).append(" counter drop\n");
                } else if (lossPercent[d.ordinal()] == 100) { // all UDP blocked (numgen cannot say 100)
                    script.append("add rule inet lab ").append(chain).append(" meta l4proto udp counter drop\n");
                } else if (lossPercent[d.ordinal()] > 0) {
                    script.append("add rule inet lab ").append(chain)
                            .append(" meta l4proto udp numgen random mod 100 < ").append(lossPercent[d.ordinal()])
                            .append(" counter drop\n");
                }
            }
            nft(routerNs, script.toString()); // one transaction: both directions change together
        }

        @Override
        public String toString() {
            return "Link[" + name + " via " + routerIf + "]";
        }
    }

    // ---- commands ----

    private record Result(int code, String out, String err) {
    }

    private String sh(String ns, String... command) throws IOException {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        full.addAll(List.of(command));
        return run(full);
    }

    private void ip(String ns, String... commands) throws IOException {
        runWithInput(List.of("ip", "-n", ns, "-batch", "-"), String.join("\n", commands) + "\n");
    }

    private void nft(String ns, String script) throws IOException {
        runWithInput(List.of("ip", "netns", "exec", ns, "nft", "-f", "-"), script);
    }

    private String run(List<String> command) throws IOException {
        return runWithInput(command, null);
    }

    private String runWithInput(List<String> command, String input) throws IOException {
        try {
            Result r = exec(command, input, COMMAND_TIMEOUT);
            if (r.code() != 0) {
                throw new IOException("'" + String.join(" ", command) + "' failed (" + r.code() + "): " + r.err().trim()
                        + (input == null ? "" : "\ninput:\n" + input));
            }
            return r.out();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", command), e);
        }
    }

    private static Result exec(List<String> command, String input, Duration timeout) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).start();
        var out = drain(p.getInputStream());
        var err = drain(p.getErrorStream());
        try (var stdin = p.getOutputStream()) {
            if (input != null) {
                stdin.write(input.getBytes(StandardCharsets.UTF_8));
            }
        }
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new IOException("'" + String.join(" ", command) + "' did not finish within " + timeout.toMillis() + " ms");
        }
        out.join(1000);
        err.join(1000);
        return new Result(p.exitValue(), out.text(), err.text());
    }

    private static final class Drain extends Thread {
        private final InputStream in;
        private final ByteArrayOutputStream buf = new ByteArrayOutputStream();

        Drain(InputStream in) {
            super("netlab-drain");
            setDaemon(true);
            this.in = in;
        }

        @Override
        public void run() {
            try {
                in.transferTo(buf);
            } catch (IOException e) {
                // the process is gone
            }
        }

        String text() {
            synchronized (buf) {
                return buf.toString(StandardCharsets.UTF_8);
            }
        }
    }

    private static Drain drain(InputStream in) {
        Drain d = new Drain(in);
        d.start();
        return d;
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal); // a literal: no lookup
        } catch (UnknownHostException e) {
            throw new UncheckedIOException(e);
        }
    }
}
