package io.parasol.tpm.command.asymmetric;

import io.parasol.tpm.command.Command;
import io.parasol.tpm.command.CommandChapter;
import java.util.List;

/** Part 3 §14 "Asymmetric Primitives". */
public final class AsymmetricCommands implements CommandChapter {
  @Override
  public List<Command<?>> commands() {
    return List.of(
        new RsaEncrypt(), // §14.2
        new RsaDecrypt(), // §14.3
        new EcdhKeyGen(), // §14.4
        new EcdhZGen(), // §14.5
        new EccParameters()); // §14.7
  }
}
