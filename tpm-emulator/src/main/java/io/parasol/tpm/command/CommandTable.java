package io.parasol.tpm.command;

import io.parasol.tpm.EntityCodec;
import io.parasol.tpm.command.asymmetric.AsymmetricCommands;
import io.parasol.tpm.command.asymmetric.ObjectSaltDecryptor;
import io.parasol.tpm.command.attestation.AttestationCommands;
import io.parasol.tpm.command.audit.CommandAuditCommands;
import io.parasol.tpm.command.capability.CapabilityCommands;
import io.parasol.tpm.command.clocks.ClockCommands;
import io.parasol.tpm.command.context.ContextCommands;
import io.parasol.tpm.command.dictionary.DictionaryAttackCommands;
import io.parasol.tpm.command.duplication.DuplicationCommands;
import io.parasol.tpm.command.ea.EaCommands;
import io.parasol.tpm.command.hierarchy.HierarchyCommands;
import io.parasol.tpm.command.integrity.IntegrityCommands;
import io.parasol.tpm.command.nv.NvCommands;
import io.parasol.tpm.command.object.ObjectCommands;
import io.parasol.tpm.command.random.RandomCommands;
import io.parasol.tpm.command.sequences.SequenceCommands;
import io.parasol.tpm.command.sessions.SessionCommands;
import io.parasol.tpm.command.signing.SigningCommands;
import io.parasol.tpm.command.startup.StartupCommands;
import io.parasol.tpm.command.symmetric.SymmetricCommands;
import io.parasol.tpm.command.testing.TestingCommands;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The implemented commands by command code, built from the chapters of TPM 2.0 Library Part 3. To
 * add a chapter, add one line to {@link #standard()}; to add a command, add one line to its
 * chapter's {@link CommandChapter}.
 */
public final class CommandTable {
  private final TreeMap<Integer, Command<?>> commands = new TreeMap<>(Integer::compareUnsigned);
  private final Map<Integer, EntityCodec> codecs = new HashMap<>();

  /** A table of the commands of {@code chapters}; a code listed twice is a bug. */
  public CommandTable(List<CommandChapter> chapters) {
    for (CommandChapter chapter : chapters) {
      for (Command<?> c : chapter.commands()) {
        if (commands.put(c.spec().commandCode(), c) != null) {
          throw new IllegalStateException("command " + c.spec().name() + " registered twice");
        }
      }
      chapter
          .entityCodecs()
          .forEach(
              (type, codec) -> {
                if (codecs.put(type, codec) != null) {
                  throw new IllegalStateException("two codecs for handle type " + type);
                }
              });
    }
  }

  /** Every chapter this TPM implements. */
  public static CommandTable standard() {
    List<CommandChapter> chapters = new ArrayList<>();
    chapters.add(new StartupCommands()); // Part 3 §9
    chapters.add(new TestingCommands()); // Part 3 §10
    chapters.add(new SessionCommands(new ObjectSaltDecryptor())); // Part 3 §11
    chapters.add(new ObjectCommands()); // Part 3 §12
    chapters.add(new DuplicationCommands()); // Part 3 §13
    chapters.add(new AsymmetricCommands()); // Part 3 §14
    chapters.add(new SymmetricCommands()); // Part 3 §15
    chapters.add(new RandomCommands()); // Part 3 §16
    chapters.add(new SequenceCommands()); // Part 3 §17
    chapters.add(new AttestationCommands()); // Part 3 §18
    chapters.add(new SigningCommands()); // Part 3 §20
    chapters.add(new CommandAuditCommands()); // Part 3 §21
    chapters.add(new IntegrityCommands()); // Part 3 §22
    chapters.add(new EaCommands()); // Part 3 §23
    chapters.add(new HierarchyCommands()); // Part 3 §24
    chapters.add(new DictionaryAttackCommands()); // Part 3 §25
    chapters.add(new ContextCommands()); // Part 3 §28
    chapters.add(new ClockCommands()); // Part 3 §29
    chapters.add(new CapabilityCommands()); // Part 3 §30
    chapters.add(new NvCommands()); // Part 3 §31
    return new CommandTable(chapters);
  }

  /** The command with this code. */
  public Optional<Command<?>> find(int commandCode) {
    return Optional.ofNullable(commands.get(commandCode));
  }

  /** All commands, by ascending command code. */
  public List<Command<?>> all() {
    return Collections.unmodifiableList(new ArrayList<>(commands.values()));
  }

  /** The codec for persistent entities of a handle type ({@code TpmHandle.HT_*}). */
  public Optional<EntityCodec> codec(int handleType) {
    return Optional.ofNullable(codecs.get(handleType));
  }
}
