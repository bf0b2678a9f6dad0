package io.parasol.tools.attest;

/**
 * One claim the verifier checked.
 *
 * @param claim a stable dotted name, e.g. {@code snp.report-signature}
 * @param ok whether the claim holds
 * @param detail one sentence: what was found (for a failure, why it fails)
 */
public record Check(String claim, boolean ok, String detail) {}
