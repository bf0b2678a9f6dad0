package io.parasol.tools.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code parasol tpm}: the vTPM's commands (serve it, manufacture it). */
@Command(
    name = "tpm",
    mixinStandardHelpOptions = true,
    description = "Parasol's vTPM (a TPM 2.0) on its own, outside a VM.",
    subcommands = {TpmServeCommand.class, TpmManufactureCommand.class})
final class TpmCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
