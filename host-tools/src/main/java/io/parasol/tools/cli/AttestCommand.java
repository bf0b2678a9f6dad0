package io.parasol.tools.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code parasol attest}: verify attestation evidence, or serve verification over HTTP. */
@Command(
    name = "attest",
    mixinStandardHelpOptions = true,
    description = "Verify attestation evidence (SEV-SNP, TDX, Azure CVM, vTPM quotes).",
    subcommands = {AttestVerifyCommand.class, AttestServeCommand.class})
final class AttestCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
