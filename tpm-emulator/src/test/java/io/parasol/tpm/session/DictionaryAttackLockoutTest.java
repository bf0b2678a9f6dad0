package io.parasol.tpm.session;

import static io.parasol.tpm.TpmCommandBuilder.command;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.parasol.tpm.AuthRole;
import io.parasol.tpm.Entity;
import io.parasol.tpm.Tpm;
import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmHandle;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.TpmTestSupport;
import io.parasol.tpm.command.Command;
import io.parasol.tpm.command.Command.NoParameters;
import io.parasol.tpm.command.CommandChapter;
import io.parasol.tpm.command.CommandContext;
import io.parasol.tpm.command.CommandSpec;
import io.parasol.tpm.command.CommandTable;
import io.parasol.tpm.command.HandleType;
import io.parasol.tpm.command.dictionary.DictionaryAttackCommands;
import io.parasol.tpm.command.startup.StartupCommands;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The lockout counter (Part 1 §19.8) on a DA-protected entity, through a test chapter whose one
 * command authorises an object handle: the way the object chapter's commands will.
 */
class DictionaryAttackLockoutTest extends TpmTestSupport {
  private static final int OBJECT = 0x8000_0000;
  private static final byte[] PASSWORD = "pw".getBytes();

  /** A DA-protected object stand-in. */
  record ProtectedObject(int handle) implements Entity.HandleNamed {
    @Override
    public byte[] authValue() {
      return PASSWORD.clone();
    }

    @Override
    public boolean isDaProtected() {
      return true;
    }

    @Override
    public int hierarchy() {
      return TpmHandle.RH_OWNER;
    }
  }

  /** Authorises an object with USER role and does nothing else. */
  static final class UseObject implements Command<NoParameters> {
    @Override
    public CommandSpec spec() {
      return CommandSpec.of(TpmCc.UNSEAL).handle(HandleType.DH_OBJECT, AuthRole.USER).build();
    }

    @Override
    public NoParameters parse(TpmReader in) {
      return NoParameters.read(in);
    }

    @Override
    public void execute(CommandContext ctx, NoParameters in, TpmWriter out) {}
  }

  @Override
  protected Tpm newTpm() {
    List<CommandChapter> chapters = new ArrayList<>();
    chapters.add(new StartupCommands());
    chapters.add(new DictionaryAttackCommands());
    chapters.add(() -> List.of(new UseObject()));
    return Tpm.builder().hostMillis(millis::get).commands(new CommandTable(chapters)).build();
  }

  @BeforeEach
  void start() {
    startup();
    tpm.state().transientObjects().put(OBJECT, new ProtectedObject(OBJECT));
  }

  private int use(byte[] password) {
    return run(command(TpmCc.UNSEAL).handle(OBJECT).password(password).build()).rc();
  }

  @Test
  void threeFailuresLockOutAndTimeHeals() {
    assertEquals(TpmRc.SUCCESS, use(PASSWORD));
    for (int i = 0; i < 3; i++) {
      assertEquals(TpmRc.session(TpmRc.AUTH_FAIL, 1), use("bad".getBytes()));
    }
    assertEquals(3, tpm.state().dictionaryAttack().failedTries());
    assertEquals(TpmRc.session(TpmRc.LOCKOUT, 1), use(PASSWORD));
    // recoveryTime is 1000 s: one failure heals per interval.
    millis.addAndGet(1_000_000);
    assertEquals(TpmRc.SUCCESS, use(PASSWORD));
    assertEquals(2, tpm.state().dictionaryAttack().failedTries());
  }

  @Test
  void lockResetEndsTheLockout() {
    for (int i = 0; i < 3; i++) {
      use("bad".getBytes());
    }
    assertEquals(TpmRc.session(TpmRc.LOCKOUT, 1), use(PASSWORD));
    expect(
        TpmRc.SUCCESS,
        command(TpmCc.DICTIONARY_ATTACK_LOCK_RESET).handle(TpmHandle.RH_LOCKOUT).password());
    assertEquals(TpmRc.SUCCESS, use(PASSWORD));
  }

  @Test
  void zeroRecoveryTimeTurnsProtectionOff() {
    expect(
        TpmRc.SUCCESS,
        command(TpmCc.DICTIONARY_ATTACK_PARAMETERS)
            .handle(TpmHandle.RH_LOCKOUT)
            .password()
            .params(w -> w.writeU32(3).writeU32(0).writeU32(0)));
    for (int i = 0; i < 5; i++) {
      assertEquals(TpmRc.session(TpmRc.AUTH_FAIL, 1), use("bad".getBytes()));
    }
    assertEquals(TpmRc.SUCCESS, use(PASSWORD));
  }

  @Test
  void failedTriesSurviveSaveAndRestore() {
    use("bad".getBytes());
    use("bad".getBytes());
    byte[] saved = tpm.saveState();
    Tpm restored = Tpm.builder().hostMillis(millis::get).restore(saved);
    assertEquals(2, restored.state().dictionaryAttack().failedTries());
  }
}
