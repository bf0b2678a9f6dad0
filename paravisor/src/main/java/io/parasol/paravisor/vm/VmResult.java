package io.parasol.paravisor.vm;

import java.util.Objects;

/**
 * The end of a VM's run: the outcome and what caused it.
 *
 * @param outcome how the run ended
 * @param source what ended it, e.g. {@code "ACPI PM1a_CNT S5"} or {@code "vCPU 0"}
 * @param detail more for the report (a register dump for faults), possibly empty
 */
public record VmResult(VmOutcome outcome, String source, String detail) {
  public VmResult {
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(detail, "detail");
  }

  @Override
  public String toString() {
    return outcome.description() + " (" + source + ")" + (detail.isEmpty() ? "" : "\n" + detail);
  }
}
