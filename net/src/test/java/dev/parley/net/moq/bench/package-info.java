/**
 * Benchmark mains for the moq layers (not tests): {@link dev.parley.net.moq.bench.FanoutBench} measures
 * frame delivery latency and throughput from one publisher to many subscriber sessions over loopback
 * QUIC and prints the numbers recorded in {@code docs/bench-moq.md}.
 */
package dev.parley.net.moq.bench;
