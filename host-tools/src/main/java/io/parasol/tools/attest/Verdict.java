package io.parasol.tools.attest;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The outcome of verifying one piece of evidence: every claim checked, in the order checked, and
 * whether all of them hold. Built by the verifiers through {@link #check}; read by callers.
 */
public final class Verdict {
  private final List<Check> checks = new ArrayList<>();
  private String platform = "unknown";

  /** Records a claim; returns {@code ok} so callers can branch on it. */
  public boolean check(String claim, boolean ok, String detail) {
    checks.add(new Check(claim, ok, detail));
    return ok;
  }

  /** Records a failed claim. */
  public boolean fail(String claim, String detail) {
    return check(claim, false, detail);
  }

  /** Records a claim that holds. */
  public boolean pass(String claim, String detail) {
    return check(claim, true, detail);
  }

  void platform(String platform) {
    this.platform = platform;
  }

  /** "snp", "tdx", "azure-snp", "azure-tdx", "none" or "unknown". */
  public String platform() {
    return platform;
  }

  /** Whether at least one claim was checked and every claim holds. */
  public boolean valid() {
    return !checks.isEmpty() && checks.stream().allMatch(Check::ok);
  }

  public List<Check> checks() {
    return List.copyOf(checks);
  }

  /** The first failed claim, if any. */
  public Optional<Check> firstFailure() {
    return checks.stream().filter(c -> !c.ok()).findFirst();
  }

  /** Whether a claim with this name was checked and failed. */
  public boolean failed(String claim) {
    return checks.stream().anyMatch(c -> c.claim().equals(claim) && !c.ok());
  }

  /** The first failure's sentence, or "valid". */
  public String reason() {
    return firstFailure()
        .map(Check::detail)
        .orElse(checks.isEmpty() ? "nothing was checked" : "valid");
  }
}
