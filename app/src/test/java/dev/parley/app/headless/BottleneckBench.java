package dev.parley.app.headless;

import dev.parley.net.testing.NetLab;

import java.time.Duration;

/**
 * Benchmark main: the full bottleneck timeline on a real network lab ({@link BottleneckScenario}),
 * printed second by second with the watcher's switch log, then a summary. Args: bottleneck seconds
 * (default 30), recovery seconds (default 40). Needs root and {@code ip netns}.
 */
public final class BottleneckBench {
    private BottleneckBench() {}

    public static void main(String[] args) throws Exception {
        if (!NetLab.available().ok()) {
            System.out.println("cannot run: " + NetLab.available().reason());
            return;
        }
        int bottleneck = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        int recovery = args.length > 1 ? Integer.parseInt(args[1]) : 40;
        BottleneckScenario.Result r = BottleneckScenario.run(Duration.ofSeconds(bottleneck), Duration.ofSeconds(recovery), System.out);
        System.out.print(r.timeline());
        System.out.println(AdaptiveBottleneckLabTest.summary(r));
        if (Boolean.getBoolean("bench.tails")) {
            System.out.println("publisher:\n" + r.publisherTail() + "\nwatcher:\n" + r.watcherTail());
        }
        System.exit(0);
    }
}
