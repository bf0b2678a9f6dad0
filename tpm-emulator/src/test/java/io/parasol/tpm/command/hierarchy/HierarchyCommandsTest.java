package io.parasol.tpm.command.hierarchy;

import static io.parasol.tpm.TpmCommandBuilder.command;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parasol.tpm.Hierarchy;
import io.parasol.tpm.Tpm;
import io.parasol.tpm.TpmAlgId;
import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmHandle;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.TpmTestSupport;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Part 3 §24 and §25: hierarchies, authorisation values, Clear, dictionary-attack lockout. */
class HierarchyCommandsTest extends TpmTestSupport {
  private static final byte[] SECRET = "secret".getBytes();

  @BeforeEach
  void start() {
    startup();
  }

  private void changeAuth(int handle, byte[] oldAuth, byte[] newAuth) {
    expect(
        TpmRc.SUCCESS,
        command(TpmCc.HIERARCHY_CHANGE_AUTH)
            .handle(handle)
            .password(oldAuth)
            .params(w -> w.write2B(newAuth)));
  }

  private int clockSet(int handle, byte[] password) {
    return run(command(TpmCc.CLOCK_SET)
            .handle(handle)
            .password(password)
            .params(w -> w.writeU64(1L << 40))
            .build())
        .rc();
  }

  @Test
  void changeAuthThenPasswordMustMatch() {
    changeAuth(TpmHandle.RH_OWNER, new byte[0], SECRET);
    assertEquals(TpmRc.session(TpmRc.BAD_AUTH, 1), clockSet(TpmHandle.RH_OWNER, new byte[0]));
    assertEquals(TpmRc.SUCCESS, clockSet(TpmHandle.RH_OWNER, SECRET));
    // Trailing zeros are not part of a password (Part 1 §19.6.4).
    assertEquals(TpmRc.SUCCESS, clockSet(TpmHandle.RH_OWNER, Arrays.copyOf(SECRET, 10)));
  }

  @Test
  void lockoutAuthFailureLocksLockoutOut() {
    changeAuth(TpmHandle.RH_LOCKOUT, new byte[0], SECRET);
    int rc =
        run(command(TpmCc.DICTIONARY_ATTACK_LOCK_RESET)
                .handle(TpmHandle.RH_LOCKOUT)
                .password("bad".getBytes())
                .build())
            .rc();
    assertEquals(0x98E, rc, "TPM_RC_AUTH_FAIL for session 1");
    expect(
        TpmRc.session(TpmRc.LOCKOUT, 1),
        command(TpmCc.DICTIONARY_ATTACK_LOCK_RESET).handle(TpmHandle.RH_LOCKOUT).password(SECRET));
    // After lockoutRecovery (1000 s by default) lockoutAuth works again.
    millis.addAndGet(1_000_000);
    expect(
        TpmRc.SUCCESS,
        command(TpmCc.DICTIONARY_ATTACK_LOCK_RESET).handle(TpmHandle.RH_LOCKOUT).password(SECRET));
  }

  @Test
  void dictionaryAttackParametersAreReported() {
    expect(
        TpmRc.SUCCESS,
        command(TpmCc.DICTIONARY_ATTACK_PARAMETERS)
            .handle(TpmHandle.RH_LOCKOUT)
            .password()
            .params(w -> w.writeU32(5).writeU32(60).writeU32(120)));
    var da = tpm.state().dictionaryAttack();
    assertEquals(5, da.maxTries());
    assertEquals(60, da.recoveryTimeSeconds());
    assertEquals(120, da.lockoutRecoverySeconds());
  }

  @Test
  void hierarchyChangeAuthOnAHierarchyIsNotDaProtected() {
    changeAuth(TpmHandle.RH_ENDORSEMENT, new byte[0], SECRET);
    for (int i = 0; i < 10; i++) {
      assertEquals(TpmRc.session(TpmRc.BAD_AUTH, 1), clockSet(TpmHandle.RH_OWNER, "x".getBytes()));
    }
    assertEquals(0, tpm.state().dictionaryAttack().failedTries());
  }

  @Test
  void hierarchyControlDisablesAndOnlyPlatformReenables() {
    expect(
        TpmRc.SUCCESS,
        command(TpmCc.HIERARCHY_CONTROL)
            .handle(TpmHandle.RH_OWNER)
            .password()
            .params(w -> w.writeU32(TpmHandle.RH_OWNER).writeU8(0)));
    assertFalse(tpm.state().isEnabled(Hierarchy.OWNER));
    assertEquals(TpmRc.handle(TpmRc.HIERARCHY, 1), clockSet(TpmHandle.RH_OWNER, new byte[0]));
    expect(
        TpmRc.AUTH_TYPE,
        command(TpmCc.HIERARCHY_CONTROL)
            .handle(TpmHandle.RH_ENDORSEMENT)
            .password()
            .params(w -> w.writeU32(TpmHandle.RH_OWNER).writeU8(1)));
    expect(
        TpmRc.SUCCESS,
        command(TpmCc.HIERARCHY_CONTROL)
            .handle(TpmHandle.RH_PLATFORM)
            .password()
            .params(w -> w.writeU32(TpmHandle.RH_OWNER).writeU8(1)));
    assertTrue(tpm.state().isEnabled(Hierarchy.OWNER));
    expect(
        TpmRc.parameter(TpmRc.VALUE, 1),
        command(TpmCc.HIERARCHY_CONTROL)
            .handle(TpmHandle.RH_PLATFORM)
            .password()
            .params(w -> w.writeU32(TpmHandle.RH_LOCKOUT).writeU8(1)));
  }

  @Test
  void clearResetsOwnerStateAndSeed() {
    changeAuth(TpmHandle.RH_OWNER, new byte[0], SECRET);
    changeAuth(TpmHandle.RH_LOCKOUT, new byte[0], SECRET);
    byte[] sps = tpm.state().seed(Hierarchy.OWNER);
    byte[] eps = tpm.state().seed(Hierarchy.ENDORSEMENT);
    expect(TpmRc.SUCCESS, command(TpmCc.CLEAR).handle(TpmHandle.RH_LOCKOUT).password(SECRET));
    assertNotEquals(Arrays.toString(sps), Arrays.toString(tpm.state().seed(Hierarchy.OWNER)));
    assertArrayEquals(eps, tpm.state().seed(Hierarchy.ENDORSEMENT));
    assertEquals(TpmRc.SUCCESS, clockSet(TpmHandle.RH_OWNER, new byte[0]));
  }

  @Test
  void clearControlDisablesClearAndOnlyPlatformReenables() {
    expect(
        TpmRc.SUCCESS,
        command(TpmCc.CLEAR_CONTROL)
            .handle(TpmHandle.RH_LOCKOUT)
            .password()
            .params(w -> w.writeU8(1)));
    expect(TpmRc.DISABLED, command(TpmCc.CLEAR).handle(TpmHandle.RH_LOCKOUT).password());
    expect(
        TpmRc.AUTH_FAIL,
        command(TpmCc.CLEAR_CONTROL)
            .handle(TpmHandle.RH_LOCKOUT)
            .password()
            .params(w -> w.writeU8(0)));
    expect(
        TpmRc.SUCCESS,
        command(TpmCc.CLEAR_CONTROL)
            .handle(TpmHandle.RH_PLATFORM)
            .password()
            .params(w -> w.writeU8(0)));
    expect(TpmRc.SUCCESS, command(TpmCc.CLEAR).handle(TpmHandle.RH_PLATFORM).password());
  }

  @Test
  void setPrimaryPolicyChecksTheDigestSize() {
    expect(
        TpmRc.parameter(TpmRc.SIZE, 1),
        command(TpmCc.SET_PRIMARY_POLICY)
            .handle(TpmHandle.RH_OWNER)
            .password()
            .params(w -> w.write2B(new byte[20]).writeU16(TpmAlgId.SHA256)));
    expect(
        TpmRc.SUCCESS,
        command(TpmCc.SET_PRIMARY_POLICY)
            .handle(TpmHandle.RH_OWNER)
            .password()
            .params(w -> w.write2B(new byte[32]).writeU16(TpmAlgId.SHA256)));
    assertEquals(TpmAlgId.SHA256, tpm.state().permanentAuth(TpmHandle.RH_OWNER).policyAlg());
  }

  @Test
  void changeEpsAndPpsReplaceTheirSeeds() {
    byte[] eps = tpm.state().seed(Hierarchy.ENDORSEMENT);
    byte[] pps = tpm.state().seed(Hierarchy.PLATFORM);
    expect(TpmRc.SUCCESS, command(TpmCc.CHANGE_EPS).handle(TpmHandle.RH_PLATFORM).password());
    expect(TpmRc.SUCCESS, command(TpmCc.CHANGE_PPS).handle(TpmHandle.RH_PLATFORM).password());
    assertFalse(Arrays.equals(eps, tpm.state().seed(Hierarchy.ENDORSEMENT)));
    assertFalse(Arrays.equals(pps, tpm.state().seed(Hierarchy.PLATFORM)));
    expect(
        TpmRc.handle(TpmRc.VALUE, 1),
        command(TpmCc.CHANGE_EPS).handle(TpmHandle.RH_OWNER).password());
  }

  @Test
  void authorisationAndSeedsSurviveSaveAndRestore() {
    changeAuth(TpmHandle.RH_OWNER, new byte[0], SECRET);
    byte[] eps = tpm.state().seed(Hierarchy.ENDORSEMENT);
    tpm = Tpm.builder().hostMillis(millis::get).restore(tpm.saveState());
    startup();
    assertEquals(TpmRc.SUCCESS, clockSet(TpmHandle.RH_OWNER, SECRET));
    assertArrayEquals(eps, tpm.state().seed(Hierarchy.ENDORSEMENT));
  }

  @Test
  void platformAuthIsClearedAtStartupClear() {
    changeAuth(TpmHandle.RH_PLATFORM, new byte[0], SECRET);
    expect(TpmRc.SUCCESS, command(TpmCc.SHUTDOWN).params(w -> w.writeU16(0)));
    tpm.powerOff();
    tpm.powerOn();
    startup();
    assertEquals(TpmRc.SUCCESS, clockSet(TpmHandle.RH_PLATFORM, new byte[0]));
  }
}
