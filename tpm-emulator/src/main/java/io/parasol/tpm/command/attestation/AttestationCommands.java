package io.parasol.tpm.command.attestation;

import io.parasol.tpm.command.Command;
import io.parasol.tpm.command.CommandChapter;
import java.util.List;

/** Part 3 §18 "Attestation Commands". */
public final class AttestationCommands implements CommandChapter {
  @Override
  public List<Command<?>> commands() {
    return List.of(
        new Certify(), // §18.2
        new CertifyCreation(), // §18.3
        new Quote(), // §18.4
        new GetSessionAuditDigest(), // §18.5
        new GetCommandAuditDigest(), // §18.6
        new GetTime()); // §18.7
  }
}
