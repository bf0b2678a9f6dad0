package io.parasol.paravisor.vm;

/**
 * How a VM's run ended. Each outcome has a distinct process exit code for {@code parasol run}.
 *
 * <table>
 *   <caption>Outcomes</caption>
 *   <tr><th>outcome</th><th>exit code</th><th>cause</th></tr>
 *   <tr><td>POWERED_OFF</td><td>0</td><td>ACPI S5 (PM1a_CNT SLP_EN) or a hypervisor shutdown event</td></tr>
 *   <tr><td>RESET</td><td>10</td><td>i8042 reset line, port 0xCF9, or a hypervisor reset event</td></tr>
 *   <tr><td>TRIPLE_FAULT</td><td>11</td><td>the guest triple-faulted (shutdown exit)</td></tr>
 *   <tr><td>INTERNAL_ERROR</td><td>12</td><td>the hypervisor could not run the guest, or Parasol failed</td></tr>
 *   <tr><td>STOPPED</td><td>13</td><td>the host stopped the VM (Ctrl-C, a test's time limit)</td></tr>
 * </table>
 */
public enum VmOutcome {
  POWERED_OFF(0, "the guest powered off"),
  RESET(10, "the guest reset the machine"),
  TRIPLE_FAULT(11, "the guest triple-faulted"),
  INTERNAL_ERROR(12, "the VM hit an internal error"),
  STOPPED(13, "the VM was stopped by the host");

  private final int exitCode;
  private final String description;

  VmOutcome(int exitCode, String description) {
    this.exitCode = exitCode;
    this.description = description;
  }

  /** The process exit code {@code parasol run} ends with. */
  public int exitCode() {
    return exitCode;
  }

  /** One sentence for the user. */
  public String description() {
    return description;
  }
}
