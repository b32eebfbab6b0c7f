/**
 * JMH benchmarks of lbkit's hot paths, with the peers a Java user would otherwise reach for
 * measured in the same run on the same inputs, so that the ratios hold on a noisy machine.
 *
 * <p>Every benchmark reports average time in nanoseconds per operation and is meant to be run with
 * {@code -prof gc}, which adds the bytes allocated per operation. Each benchmark state cycles
 * through a fixed, seeded set of {@value Fixtures#KEY_COUNT} keys, so that caches and branch
 * predictors see a realistic spread rather than one key.
 *
 * <ul>
 *   <li>{@link dev.lbkit.benchmarks.SelectorBenchmark}: round robin, least_conn, random two
 *       least_conn.
 *   <li>{@link dev.lbkit.benchmarks.FromHashBenchmark} and {@link
 *       dev.lbkit.benchmarks.FromKeyBenchmark}: hash-based picks from a precomputed key hash and
 *       end to end from a {@code String} key, beside spymemcached, Guava, a {@code TreeMap} ring
 *       and bare sorted-array searches over the same points.
 *   <li>{@link dev.lbkit.benchmarks.BuildBenchmark}: building rings and tables for 1,000 backends.
 * </ul>
 *
 * <p>{@link dev.lbkit.benchmarks.ResultsTable} turns JMH's JSON into the Markdown table of {@code
 * docs/benchmarks.md}; {@link dev.lbkit.benchmarks.DistributionReport} measures balance and
 * disruption (no timing) and draws its charts as SVG.
 */
@NullMarked
package dev.lbkit.benchmarks;

import org.jspecify.annotations.NullMarked;
