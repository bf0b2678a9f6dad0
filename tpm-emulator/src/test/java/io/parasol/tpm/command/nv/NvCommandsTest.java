package io.parasol.tpm.command.nv;

import static io.parasol.tpm.TpmCommandBuilder.command;
import static io.parasol.tpm.nv.TpmaNv.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parasol.tpm.Tpm;
import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmHandle;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.TpmResponse;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;
import io.parasol.tpm.nv.NvTestSupport;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Part 3 §31 end to end through {@code Tpm.execute}: every index type, rule and lock. */
class NvCommandsTest extends NvTestSupport {
  private static final int RW = OWNERWRITE | OWNERREAD | AUTHWRITE | AUTHREAD;

  @BeforeEach
  void start() {
    startup();
  }

  private static int type(int nt) {
    return nt << 4;
  }

  @Test
  void ordinaryIndexWriteReadAndName() throws TpmException {
    define(INDEX, RW, 16);
    byte[][] before = readPublic(INDEX);
    assertArrayEquals(nvPublic(INDEX, RW, new byte[0], 16), before[0]);
    assertArrayEquals(nvName(INDEX, RW, new byte[0], 16), before[1]);
    expect(TpmRc.NV_UNINITIALIZED, readCommand(TpmHandle.RH_OWNER, INDEX, 4, 0));

    expect(TpmRc.SUCCESS, writeCommand(INDEX, INDEX, new byte[] {1, 2, 3}, 2));
    byte[] data = read(TpmHandle.RH_OWNER, INDEX, 16, 0);
    byte[] expected = new byte[16];
    Arrays.fill(expected, (byte) 0xFF);
    expected[2] = 1;
    expected[3] = 2;
    expected[4] = 3;
    assertArrayEquals(expected, data);
    assertArrayEquals(new byte[] {2, 3}, read(INDEX, INDEX, 2, 3));

    // Part 1 §16: TPMA_NV_WRITTEN is in the public area, so the Name changed.
    byte[][] after = readPublic(INDEX);
    assertArrayEquals(nvName(INDEX, RW | WRITTEN, new byte[0], 16), after[1]);
    assertFalse(Arrays.equals(before[1], after[1]));
  }

  @Test
  void rangesAndSizes() {
    define(INDEX, RW, 16);
    expect(TpmRc.NV_RANGE, writeCommand(INDEX, INDEX, new byte[8], 9));
    expect(TpmRc.parameter(TpmRc.VALUE, 2), writeCommand(INDEX, INDEX, new byte[0], 17));
    expect(TpmRc.SUCCESS, writeCommand(INDEX, INDEX, new byte[16], 0));
    expect(TpmRc.NV_RANGE, readCommand(INDEX, INDEX, 8, 9));
    expect(TpmRc.parameter(TpmRc.VALUE, 2), readCommand(INDEX, INDEX, 0, 17));
    // 2048 octets per index, 1024 per command (TPM2B_MAX_NV_BUFFER).
    define(INDEX2, RW, 2048);
    expect(TpmRc.parameter(TpmRc.SIZE, 1), writeCommand(INDEX2, INDEX2, new byte[1025], 0));
    expect(TpmRc.SUCCESS, writeCommand(INDEX2, INDEX2, new byte[1024], 1024));
    expect(TpmRc.parameter(TpmRc.VALUE, 1), readCommand(INDEX2, INDEX2, 1025, 0));
    expect(
        TpmRc.parameter(TpmRc.SIZE, 2),
        defineCommand(TpmHandle.RH_OWNER, PASSWORD, 0x0150_0003, RW, new byte[0], 2049));
    expect(
        TpmRc.parameter(TpmRc.SIZE, 2),
        defineCommand(TpmHandle.RH_OWNER, PASSWORD, 0x0150_0003, RW | WRITEALL, new byte[0], 1025));
  }

  @Test
  void writeAllNeedsAWholeWrite() throws TpmException {
    define(INDEX, RW | WRITEALL, 8);
    expect(TpmRc.NV_RANGE, writeCommand(INDEX, INDEX, new byte[4], 0));
    expect(TpmRc.SUCCESS, writeCommand(INDEX, INDEX, new byte[8], 0));
    assertArrayEquals(new byte[8], read(INDEX, INDEX, 8, 0));
  }

  /** Each rule of Part 2 §13.4 / Part 3 §31.3 with its response code. */
  @Test
  void defineSpaceAttributeRules() {
    int owner = TpmHandle.RH_OWNER;
    int idx = 0x0150_0010;
    byte[] none = new byte[0];
    int attrs2 = TpmRc.parameter(TpmRc.ATTRIBUTES, 2);
    int size2 = TpmRc.parameter(TpmRc.SIZE, 2);
    record Case(int rc, int attributes, byte[] policy, int size, byte[] auth) {}
    List<Case> cases = new ArrayList<>();
    cases.add(new Case(size2, RW | type(NT_COUNTER), none, 4, none));
    cases.add(new Case(size2, RW | type(NT_BITS), none, 16, none));
    cases.add(new Case(size2, RW | type(NT_EXTEND), none, 20, none));
    cases.add(new Case(size2, RW | type(NT_PIN_PASS), none, 4, none));
    cases.add(new Case(attrs2, RW | type(NT_COUNTER) | CLEAR_STCLEAR, none, 8, none));
    cases.add(new Case(attrs2, OWNERWRITE | OWNERREAD | type(NT_PIN_FAIL), none, 8, none));
    cases.add(new Case(attrs2, RW | type(NT_PIN_PASS), none, 8, none)); // AUTHWRITE
    cases.add(
        new Case(attrs2, OWNERWRITE | OWNERREAD | type(NT_PIN_PASS) | WRITEDEFINE, none, 8, none));
    cases.add(
        new Case(attrs2, OWNERWRITE | OWNERREAD | type(NT_PIN_PASS) | GLOBALLOCK, none, 8, none));
    cases.add(new Case(attrs2, RW | type(3), none, 8, none));
    cases.add(new Case(attrs2, RW | WRITTEN, none, 8, none));
    cases.add(new Case(attrs2, RW | WRITELOCKED, none, 8, none));
    cases.add(new Case(attrs2, RW | READLOCKED, none, 8, none));
    cases.add(new Case(attrs2, OWNERWRITE | AUTHWRITE, none, 8, none)); // no way to read
    cases.add(new Case(attrs2, OWNERREAD | AUTHREAD, none, 8, none)); // no way to write
    cases.add(new Case(attrs2, RW | CLEAR_STCLEAR | WRITEDEFINE, none, 8, none));
    cases.add(new Case(attrs2, RW | POLICY_DELETE, new byte[32], 8, none)); // owner-defined
    cases.add(new Case(TpmRc.handle(TpmRc.ATTRIBUTES, 1), RW | PLATFORMCREATE, none, 8, none));
    cases.add(new Case(TpmRc.parameter(TpmRc.RESERVED_BITS, 2), RW | 1 << 20, none, 8, none));
    cases.add(new Case(size2, RW, new byte[20], 8, none)); // policy is not a SHA-256 digest
    byte[] longAuth = new byte[33];
    Arrays.fill(longAuth, (byte) 1);
    cases.add(new Case(TpmRc.parameter(TpmRc.SIZE, 1), RW, none, 8, longAuth));
    for (Case c : cases) {
      expect(c.rc(), defineCommand(owner, c.auth(), idx, c.attributes(), c.policy(), c.size()));
    }
    // Trailing zeros of the authValue do not count toward its size.
    byte[] padded = Arrays.copyOf(new byte[] {1}, 40);
    expect(TpmRc.SUCCESS, defineCommand(owner, padded, idx, RW, none, 8));
    expect(TpmRc.NV_DEFINED, defineCommand(owner, none, idx, RW, none, 8));
    // Not an NV handle in the public area.
    expect(TpmRc.parameter(TpmRc.VALUE, 2), defineCommand(owner, none, 0x8100_0001, RW, none, 8));
    // The platform defines PLATFORMCREATE indices, and may use POLICY_DELETE.
    expect(
        TpmRc.SUCCESS,
        defineCommand(
            TpmHandle.RH_PLATFORM,
            none,
            INDEX2,
            RW | PLATFORMCREATE | POLICY_DELETE,
            new byte[32],
            8));
  }

  @Test
  void authorizationRules() {
    define(INDEX, OWNERREAD | AUTHWRITE, 8);
    // Owner may read (OWNERREAD) but not write (no OWNERWRITE).
    expect(TpmRc.NV_AUTHORIZATION, writeCommand(TpmHandle.RH_OWNER, INDEX, new byte[8], 0));
    expect(TpmRc.SUCCESS, writeCommand(INDEX, INDEX, new byte[8], 0));
    // The index's authValue may not read it (no AUTHREAD): checked with the session.
    expect(TpmRc.AUTH_UNAVAILABLE, readCommand(INDEX, INDEX, 8, 0));
    // The platform has neither PPREAD nor PPWRITE.
    expect(TpmRc.NV_AUTHORIZATION, readCommand(TpmHandle.RH_PLATFORM, INDEX, 8, 0));
    // Another index cannot authorise this one.
    define(INDEX2, RW, 8);
    expect(
        TpmRc.NV_AUTHORIZATION,
        command(TpmCc.NV_WRITE)
            .handle(INDEX2)
            .handle(INDEX)
            .password(PASSWORD)
            .params(w -> w.write2B(new byte[8]).writeU16(0)));
    // A wrong password: DA-protected index → AUTH_FAIL; a NO_DA index → BAD_AUTH.
    expect(
        TpmRc.session(TpmRc.AUTH_FAIL, 1),
        command(TpmCc.NV_WRITE)
            .handle(INDEX)
            .handle(INDEX)
            .password(new byte[] {9})
            .params(w -> w.write2B(new byte[1]).writeU16(0)));
    define(0x0150_0003, RW | NO_DA, 8);
    expect(
        TpmRc.session(TpmRc.BAD_AUTH, 1),
        command(TpmCc.NV_WRITE)
            .handle(0x0150_0003)
            .handle(0x0150_0003)
            .password(new byte[] {9})
            .params(w -> w.write2B(new byte[1]).writeU16(0)));
  }

  @Test
  void counterIndex() throws TpmException {
    define(INDEX, RW | type(NT_COUNTER), 8);
    expect(TpmRc.NV_UNINITIALIZED, readCommand(INDEX, INDEX, 8, 0));
    for (int i = 0; i < 3; i++) {
      expect(TpmRc.SUCCESS, simpleCommand(TpmCc.NV_INCREMENT, INDEX, INDEX));
    }
    assertEquals(3, new TpmReader(read(INDEX, INDEX, 8, 0)).readU64());
    expect(TpmRc.ATTRIBUTES, writeCommand(INDEX, INDEX, new byte[8], 0));
    expect(
        TpmRc.handle(TpmRc.ATTRIBUTES, 2),
        simpleCommand(TpmCc.NV_SET_BITS, INDEX, INDEX).params(w -> w.writeU64(1)));
    // A counter defined after this one is deleted starts above its last value.
    expect(TpmRc.SUCCESS, simpleCommand(TpmCc.NV_UNDEFINE_SPACE, TpmHandle.RH_OWNER, INDEX));
    define(INDEX, RW | type(NT_COUNTER), 8);
    expect(TpmRc.SUCCESS, simpleCommand(TpmCc.NV_INCREMENT, INDEX, INDEX));
    assertEquals(4, new TpmReader(read(INDEX, INDEX, 8, 0)).readU64());
    expect(
        TpmRc.handle(TpmRc.ATTRIBUTES, 2),
        simpleCommand(TpmCc.NV_EXTEND, INDEX, INDEX).params(w -> w.write2B(new byte[1])));
  }

  @Test
  void bitFieldIndex() throws TpmException {
    define(INDEX, RW | type(NT_BITS), 8);
    expect(
        TpmRc.SUCCESS,
        simpleCommand(TpmCc.NV_SET_BITS, INDEX, INDEX).params(w -> w.writeU64(0x01)));
    expect(
        TpmRc.SUCCESS,
        simpleCommand(TpmCc.NV_SET_BITS, INDEX, INDEX).params(w -> w.writeU64(0x30)));
    assertEquals(0x31, new TpmReader(read(INDEX, INDEX, 8, 0)).readU64());
    expect(TpmRc.handle(TpmRc.ATTRIBUTES, 2), simpleCommand(TpmCc.NV_INCREMENT, INDEX, INDEX));
  }

  @Test
  void extendIndex() throws TpmException {
    define(INDEX, RW | type(NT_EXTEND), 32);
    byte[] a = "first".getBytes();
    byte[] b = "second".getBytes();
    expect(TpmRc.SUCCESS, simpleCommand(TpmCc.NV_EXTEND, INDEX, INDEX).params(w -> w.write2B(a)));
    expect(TpmRc.SUCCESS, simpleCommand(TpmCc.NV_EXTEND, INDEX, INDEX).params(w -> w.write2B(b)));
    assertArrayEquals(sha256(sha256(new byte[32], a), b), read(INDEX, INDEX, 32, 0));
    expect(TpmRc.ATTRIBUTES, writeCommand(INDEX, INDEX, new byte[32], 0));
  }

  @Test
  void pinPassIndexCountsSuccessfulUses() throws TpmException {
    int attrs = OWNERWRITE | OWNERREAD | type(NT_PIN_PASS);
    define(INDEX, attrs, 8);
    // Unwritten: the authValue is not available yet.
    expect(TpmRc.AUTH_UNAVAILABLE, readCommand(INDEX, INDEX, 8, 0));
    expect(TpmRc.SUCCESS, writeCommand(TpmHandle.RH_OWNER, INDEX, pin(0, 2), 0));
    assertArrayEquals(pin(1, 2), read(INDEX, INDEX, 8, 0)); // the read itself counted
    assertArrayEquals(pin(2, 2), read(INDEX, INDEX, 8, 0));
    expect(TpmRc.AUTH_UNAVAILABLE, readCommand(INDEX, INDEX, 8, 0));
    assertArrayEquals(pin(2, 2), read(TpmHandle.RH_OWNER, INDEX, 8, 0));
  }

  @Test
  void pinFailIndexCountsFailures() throws TpmException {
    int attrs = OWNERWRITE | OWNERREAD | NO_DA | type(NT_PIN_FAIL);
    define(INDEX, attrs, 8);
    expect(TpmRc.SUCCESS, writeCommand(TpmHandle.RH_OWNER, INDEX, pin(0, 2), 0));
    var wrong =
        command(TpmCc.NV_READ)
            .handle(INDEX)
            .handle(INDEX)
            .password(new byte[] {7})
            .params(w -> w.writeU16(8).writeU16(0));
    expect(TpmRc.session(TpmRc.BAD_AUTH, 1), wrong);
    assertArrayEquals(pin(1, 2), read(TpmHandle.RH_OWNER, INDEX, 8, 0));
    // A success puts the count back to zero.
    assertArrayEquals(pin(0, 2), read(INDEX, INDEX, 8, 0));
    expect(TpmRc.session(TpmRc.BAD_AUTH, 1), wrong);
    expect(TpmRc.session(TpmRc.BAD_AUTH, 1), wrong);
    // pinCount == pinLimit: even the right password is refused.
    expect(TpmRc.AUTH_UNAVAILABLE, readCommand(INDEX, INDEX, 8, 0));
  }

  private static byte[] pin(int count, int limit) {
    return new TpmWriter().writeU32(count).writeU32(limit).toByteArray();
  }

  @Test
  void writeLocksAndTheirResetAtStartupClear() throws TpmException {
    define(INDEX, RW | WRITE_STCLEAR, 8);
    define(INDEX2, RW | WRITEDEFINE, 8);
    int unwrittenDefine = 0x0150_0003;
    define(unwrittenDefine, RW | WRITEDEFINE, 8);
    int plain = 0x0150_0004;
    define(plain, RW, 8);
    expect(TpmRc.SUCCESS, writeCommand(INDEX2, INDEX2, new byte[8], 0));
    for (int h : new int[] {INDEX, INDEX2, unwrittenDefine}) {
      expect(TpmRc.SUCCESS, simpleCommand(TpmCc.NV_WRITE_LOCK, h, h));
      expect(TpmRc.NV_LOCKED, writeCommand(h, h, new byte[8], 0));
      // Locking again is no error.
      expect(TpmRc.SUCCESS, simpleCommand(TpmCc.NV_WRITE_LOCK, h, h));
    }
    expect(TpmRc.handle(TpmRc.ATTRIBUTES, 2), simpleCommand(TpmCc.NV_WRITE_LOCK, plain, plain));
    // The lock is in the public area: the Name shows it.
    assertArrayEquals(
        nvName(INDEX, RW | WRITE_STCLEAR | WRITELOCKED, new byte[0], 8), readPublic(INDEX)[1]);

    reset();
    expect(TpmRc.SUCCESS, writeCommand(INDEX, INDEX, new byte[8], 0));
    expect(TpmRc.NV_LOCKED, writeCommand(INDEX2, INDEX2, new byte[8], 0)); // written WRITEDEFINE
    expect(TpmRc.SUCCESS, writeCommand(unwrittenDefine, unwrittenDefine, new byte[8], 0));
  }

  @Test
  void readLockAndItsResetAtStartupClear() throws TpmException {
    define(INDEX, RW | READ_STCLEAR, 8);
    define(INDEX2, RW, 8);
    // An unwritten index may be read-locked.
    expect(TpmRc.SUCCESS, simpleCommand(TpmCc.NV_READ_LOCK, INDEX, INDEX));
    expect(TpmRc.SUCCESS, writeCommand(INDEX, INDEX, new byte[8], 0));
    expect(TpmRc.NV_LOCKED, readCommand(INDEX, INDEX, 8, 0));
    expect(TpmRc.SUCCESS, simpleCommand(TpmCc.NV_READ_LOCK, INDEX, INDEX));
    expect(TpmRc.handle(TpmRc.ATTRIBUTES, 2), simpleCommand(TpmCc.NV_READ_LOCK, INDEX2, INDEX2));
    reset();
    assertArrayEquals(new byte[8], read(INDEX, INDEX, 8, 0));
  }

  @Test
  void globalWriteLockAndClearStClear() throws TpmException {
    define(INDEX, RW | GLOBALLOCK, 8);
    define(INDEX2, RW | CLEAR_STCLEAR, 8);
    expect(TpmRc.SUCCESS, writeCommand(INDEX2, INDEX2, new byte[8], 0));
    expect(
        TpmRc.SUCCESS, command(TpmCc.NV_GLOBAL_WRITE_LOCK).handle(TpmHandle.RH_OWNER).password());
    expect(TpmRc.NV_LOCKED, writeCommand(INDEX, INDEX, new byte[8], 0));
    expect(TpmRc.SUCCESS, writeCommand(INDEX2, INDEX2, new byte[8], 0)); // no GLOBALLOCK
    reset();
    expect(TpmRc.SUCCESS, writeCommand(INDEX, INDEX, new byte[8], 0));
    // CLEAR_STCLEAR: unwritten again after Startup(CLEAR).
    expect(TpmRc.NV_UNINITIALIZED, readCommand(INDEX2, INDEX2, 8, 0));
  }

  @Test
  void resumeKeepsLocks() {
    define(INDEX, RW | WRITE_STCLEAR, 8);
    expect(TpmRc.SUCCESS, simpleCommand(TpmCc.NV_WRITE_LOCK, INDEX, INDEX));
    expect(TpmRc.SUCCESS, command(TpmCc.SHUTDOWN).params(w -> w.writeU16(1)));
    tpm.powerOff();
    tpm.powerOn();
    expect(TpmRc.SUCCESS, command(TpmCc.STARTUP).params(w -> w.writeU16(1)));
    expect(TpmRc.NV_LOCKED, writeCommand(INDEX, INDEX, new byte[8], 0));
  }

  @Test
  void undefineRules() {
    define(INDEX, RW, 8);
    expect(
        TpmRc.SUCCESS,
        defineCommand(
            TpmHandle.RH_PLATFORM, new byte[0], INDEX2, RW | PLATFORMCREATE, new byte[0], 8));
    expect(
        TpmRc.NV_AUTHORIZATION, simpleCommand(TpmCc.NV_UNDEFINE_SPACE, TpmHandle.RH_OWNER, INDEX2));
    expect(TpmRc.SUCCESS, simpleCommand(TpmCc.NV_UNDEFINE_SPACE, TpmHandle.RH_PLATFORM, INDEX2));
    expect(TpmRc.SUCCESS, simpleCommand(TpmCc.NV_UNDEFINE_SPACE, TpmHandle.RH_PLATFORM, INDEX));
    expect(
        TpmRc.handle(TpmRc.HANDLE, 2),
        simpleCommand(TpmCc.NV_UNDEFINE_SPACE, TpmHandle.RH_OWNER, INDEX));
    int special = 0x0150_0005;
    expect(
        TpmRc.SUCCESS,
        defineCommand(
            TpmHandle.RH_PLATFORM,
            new byte[0],
            special,
            RW | PLATFORMCREATE | POLICY_DELETE,
            new byte[32],
            8));
    expect(
        TpmRc.handle(TpmRc.ATTRIBUTES, 2),
        simpleCommand(TpmCc.NV_UNDEFINE_SPACE, TpmHandle.RH_PLATFORM, special));
  }

  @Test
  void changeAuthNeedsAPolicy() {
    define(INDEX, RW, 8);
    expect(
        TpmRc.AUTH_TYPE,
        command(TpmCc.NV_CHANGE_AUTH)
            .handle(INDEX)
            .password(PASSWORD)
            .params(w -> w.write2B(new byte[] {1})));
  }

  @Test
  void indicesSurviveSaveStateAndRestore() throws TpmException {
    define(INDEX, RW | type(NT_COUNTER), 8);
    define(INDEX2, RW | WRITEDEFINE, 16);
    expect(TpmRc.SUCCESS, simpleCommand(TpmCc.NV_INCREMENT, INDEX, INDEX));
    expect(
        TpmRc.SUCCESS,
        writeCommand(INDEX2, INDEX2, "persist me please".substring(0, 16).getBytes(), 0));
    expect(TpmRc.SUCCESS, simpleCommand(TpmCc.NV_WRITE_LOCK, INDEX2, INDEX2));
    int gone = 0x0150_0009;
    define(gone, RW | type(NT_COUNTER), 8);
    for (int i = 0; i < 5; i++) {
      expect(TpmRc.SUCCESS, simpleCommand(TpmCc.NV_INCREMENT, gone, gone));
    }
    expect(TpmRc.SUCCESS, simpleCommand(TpmCc.NV_UNDEFINE_SPACE, TpmHandle.RH_OWNER, gone));
    byte[][] publicBefore = readPublic(INDEX2);

    byte[] saved = tpm.saveState();
    tpm = Tpm.builder().hostMillis(millis::get).restore(saved);
    startup();
    assertEquals(1, new TpmReader(read(INDEX, INDEX, 8, 0)).readU64());
    assertArrayEquals("persist me pleas".getBytes(), read(INDEX2, INDEX2, 16, 0));
    assertArrayEquals(publicBefore[1], readPublic(INDEX2)[1]);
    expect(TpmRc.NV_LOCKED, writeCommand(INDEX2, INDEX2, new byte[16], 0));
    // The authValue survived too (a wrong one fails), and so did maxCounter.
    expect(
        TpmRc.session(TpmRc.AUTH_FAIL, 1),
        command(TpmCc.NV_READ)
            .handle(INDEX)
            .handle(INDEX)
            .password(new byte[] {1})
            .params(w -> w.writeU16(8).writeU16(0)));
    define(gone, RW | type(NT_COUNTER), 8);
    expect(TpmRc.SUCCESS, simpleCommand(TpmCc.NV_INCREMENT, gone, gone));
    assertEquals(6, new TpmReader(read(gone, gone, 8, 0)).readU64());
  }

  @Test
  void persistenceListenerRunsForNvChanges() {
    int[] saves = {0};
    tpm.setPersistenceListener(() -> saves[0]++);
    define(INDEX, RW, 8);
    assertEquals(1, saves[0]);
    expect(TpmRc.SUCCESS, writeCommand(INDEX, INDEX, new byte[8], 0));
    assertEquals(2, saves[0]);
  }

  @Test
  void capabilityListsIndices() throws TpmException {
    define(INDEX2, RW, 8);
    define(INDEX, RW | type(NT_COUNTER), 8);
    TpmResponse r =
        expect(
            TpmRc.SUCCESS,
            command(TpmCc.GET_CAPABILITY)
                .params(w -> w.writeU32(1).writeU32(TpmHandle.NV_INDEX_FIRST).writeU32(16)));
    TpmReader in = r.body();
    assertFalse(in.readYesNo());
    assertEquals(1, in.readU32()); // TPM_CAP_HANDLES
    assertEquals(2, in.readU32());
    assertEquals(INDEX, in.readU32());
    assertEquals(INDEX2, in.readU32());
    assertTrue(in.atEnd());
  }
}
