/**
 * Benchmarks that the CLI runs for the scripts under {@code bench/}: they print figures for the
 * scripts to compare with a peer measured in the same run. Never used by tests.
 */
package io.parasol.tools.bench;
