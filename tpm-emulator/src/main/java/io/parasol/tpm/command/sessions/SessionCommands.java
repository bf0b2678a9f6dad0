package io.parasol.tpm.command.sessions;

import io.parasol.tpm.command.Command;
import io.parasol.tpm.command.CommandChapter;
import io.parasol.tpm.session.SaltDecryptor;
import java.util.List;

/** Part 3 §11 "Session Commands". */
public final class SessionCommands implements CommandChapter {
  private final SaltDecryptor saltDecryptor;

  /** The chapter without salted sessions ({@link SaltDecryptor#UNSUPPORTED}). */
  public SessionCommands() {
    this(SaltDecryptor.UNSUPPORTED);
  }

  /** The chapter with salted sessions decrypted by {@code saltDecryptor}. */
  public SessionCommands(SaltDecryptor saltDecryptor) {
    this.saltDecryptor = saltDecryptor;
  }

  @Override
  public List<Command<?>> commands() {
    return List.of(
        new StartAuthSession(saltDecryptor), // §11.1
        new PolicyRestart()); // §11.2
  }
}
