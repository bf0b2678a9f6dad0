package io.parasol.tpm.command.signing;

import io.parasol.tpm.command.Command;
import io.parasol.tpm.command.CommandChapter;
import java.util.List;

/** Part 3 §20 "Signing and Signature Verification". */
public final class SigningCommands implements CommandChapter {
  @Override
  public List<Command<?>> commands() {
    return List.of(
        new VerifySignature(), // §20.1
        new Sign()); // §20.2
  }
}
