/**
 * Benchmark mains that print numbers (encode speed per preset, CPU of publishing three renditions,
 * in-process capture→decoded latency) on the synthetic sources.
 */
package dev.parley.media.bench;
