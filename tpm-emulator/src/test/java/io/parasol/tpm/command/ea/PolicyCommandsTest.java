package io.parasol.tpm.command.ea;

import static io.parasol.tpm.TpmCommandBuilder.command;
import static io.parasol.tpm.nv.TpmaNv.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.parasol.tpm.Locality;
import io.parasol.tpm.TpmAlgId;
import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmCommandBuilder;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmHandle;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.TpmResponse;
import io.parasol.tpm.TpmSt;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;
import io.parasol.tpm.nv.NvTestSupport;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Part 3 §23 end to end. Expected digests are computed here from the formulas of Part 3 §23 with
 * the JDK's SHA-256, independently of the engine.
 */
class PolicyCommandsTest extends NvTestSupport {
  private static final byte[] ZERO = new byte[32];

  @BeforeEach
  void start() {
    startup();
  }

  /** {@code H(old || cc || args...)}. */
  private static byte[] extend(byte[] old, int cc, byte[]... args) {
    return sha256(old, u32(cc), concat(args));
  }

  // ------------------------------------------------------------------ known answers

  /**
   * The well-known digests tpm2-tools prints (e.g. {@code tpm2_policyauthvalue -S session -L file}
   * gives 8fcd2169…db0e, the SHA-256 of 32 zero octets || TPM_CC_PolicyAuthValue).
   */
  @Test
  void authValueAndPasswordDigests() throws TpmException {
    byte[] expected = extend(ZERO, TpmCc.POLICY_AUTH_VALUE);
    assertArrayEquals(
        hex("8fcd2169ab92694e0c633f1ab772842b8241bbc20288981fc7ac1eddc1fddb0e"), expected);
    Session a = startPolicySession(true);
    policySimple(a, TpmCc.POLICY_AUTH_VALUE);
    assertArrayEquals(expected, policyDigest(a));
    Session p = startPolicySession(true);
    policySimple(p, TpmCc.POLICY_PASSWORD);
    assertArrayEquals(expected, policyDigest(p));
  }

  @Test
  void commandCodeDigest() throws TpmException {
    // tpm2_policycommandcode TPM2_CC_Unseal needs the object chapter's Unseal (a code the TPM
    // does not implement is TPM_RC_POLICY_CC); the formula is the same for every code.
    int code =
        tpm.withLock(() -> io.parasol.tpm.command.CommandTable.standard().find(TpmCc.UNSEAL))
                .isPresent()
            ? TpmCc.UNSEAL
            : TpmCc.NV_READ;
    Session s = startPolicySession(true);
    policyCommandCode(s, code);
    assertArrayEquals(extend(ZERO, TpmCc.POLICY_COMMAND_CODE, u32(code)), policyDigest(s));
    // A second, different code is refused; an unimplemented one too.
    expect(
        TpmRc.parameter(TpmRc.VALUE, 1),
        command(TpmCc.POLICY_COMMAND_CODE)
            .handle(s.handle())
            .params(w -> w.writeU32(TpmCc.NV_WRITE)));
    Session t = startPolicySession(true);
    expect(
        TpmRc.parameter(TpmRc.POLICY_CC, 1),
        command(TpmCc.POLICY_COMMAND_CODE).handle(t.handle()).params(w -> w.writeU32(0x7FF)));
  }

  /** PolicyPCR over sha256:0,1,2,3 of a fresh TPM (all four PCRs zero). */
  @Test
  void pcrDigestOfAFreshTpm() throws TpmException {
    byte[] selection = hex("00000001" + "000b" + "03" + "0f0000");
    byte[] pcrDigest = sha256(new byte[32 * 4]);
    byte[] expected = extend(ZERO, TpmCc.POLICY_PCR, selection, pcrDigest);
    Session trial = startPolicySession(true);
    expect(TpmRc.SUCCESS, policyPcr(trial, new byte[0]));
    assertArrayEquals(expected, policyDigest(trial));
    Session real = startPolicySession(false);
    expect(TpmRc.SUCCESS, policyPcr(real, pcrDigest));
    assertArrayEquals(expected, policyDigest(real));
    Session wrong = startPolicySession(false);
    expect(TpmRc.parameter(TpmRc.VALUE, 1), policyPcr(wrong, new byte[32]));
  }

  private static TpmCommandBuilder policyPcr(Session s, byte[] digest) {
    return command(TpmCc.POLICY_PCR)
        .handle(s.handle())
        .params(
            w ->
                w.write2B(digest)
                    .writeU32(1)
                    .writeU16(TpmAlgId.SHA256)
                    .writeU8(3)
                    .writeU8(0x0F)
                    .writeU16(0));
  }

  @Test
  void localityDigestAndEnforcement() throws TpmException {
    Session s = startPolicySession(true);
    expect(
        TpmRc.SUCCESS,
        command(TpmCc.POLICY_LOCALITY).handle(s.handle()).params(w -> w.writeU8(0x03)));
    assertArrayEquals(extend(ZERO, TpmCc.POLICY_LOCALITY, new byte[] {3}), policyDigest(s));
    expect(
        TpmRc.parameter(TpmRc.RANGE, 1),
        command(TpmCc.POLICY_LOCALITY).handle(s.handle()).params(w -> w.writeU8(0x04)));
    expect(
        TpmRc.parameter(TpmRc.RANGE, 1),
        command(TpmCc.POLICY_LOCALITY).handle(s.handle()).params(w -> w.writeU8(0)));

    // An index readable under PolicyLocality(locality 2) only.
    byte[] policy = extend(ZERO, TpmCc.POLICY_LOCALITY, new byte[] {0x04});
    define(INDEX, OWNERWRITE | POLICYREAD, policy, 8);
    expect(TpmRc.SUCCESS, writeCommand(TpmHandle.RH_OWNER, INDEX, new byte[8], 0));
    for (Locality l : new Locality[] {Locality.ZERO, Locality.TWO}) {
      Session real = startPolicySession(false);
      expect(
          TpmRc.SUCCESS,
          command(TpmCc.POLICY_LOCALITY).handle(real.handle()).params(w -> w.writeU8(0x04)));
      TpmCommandBuilder read =
          withPolicy(
              command(TpmCc.NV_READ)
                  .handle(INDEX)
                  .handle(INDEX)
                  .params(w -> w.writeU16(8).writeU16(0)),
              real);
      expect(l == Locality.TWO ? TpmRc.SUCCESS : TpmRc.LOCALITY, l, read);
    }
  }

  // ------------------------------------------------------------------ authorising NV commands

  /** PolicyCommandCode(NV_Write) + PolicyAuthValue authorises exactly NV_Write with the HMAC. */
  @Test
  void commandCodeAndAuthValueAuthoriseAnNvWrite() throws TpmException {
    byte[] policy =
        extend(
            extend(ZERO, TpmCc.POLICY_COMMAND_CODE, u32(TpmCc.NV_WRITE)), TpmCc.POLICY_AUTH_VALUE);
    int attrs = POLICYWRITE | OWNERREAD;
    define(INDEX, attrs, policy, 8);
    Session s = startPolicySession(false);
    policyCommandCode(s, TpmCc.NV_WRITE);
    policySimple(s, TpmCc.POLICY_AUTH_VALUE);
    byte[] name = nvName(INDEX, attrs, policy, 8);
    TpmCommandBuilder write =
        command(TpmCc.NV_WRITE)
            .handle(INDEX)
            .handle(INDEX)
            .params(w -> w.write2B(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}).writeU16(0));
    expect(TpmRc.SUCCESS, withPolicyHmac(write, s, PASSWORD, new byte[][] {name, name}));
    assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, read(TpmHandle.RH_OWNER, INDEX, 8, 0));

    // A wrong authValue in the HMAC fails (DA-protected index).
    Session bad = startPolicySession(false);
    policyCommandCode(bad, TpmCc.NV_WRITE);
    policySimple(bad, TpmCc.POLICY_AUTH_VALUE);
    byte[] written = nvName(INDEX, attrs | WRITTEN, policy, 8);
    TpmCommandBuilder write2 =
        command(TpmCc.NV_WRITE)
            .handle(INDEX)
            .handle(INDEX)
            .params(w -> w.write2B(new byte[8]).writeU16(0));
    expect(
        TpmRc.session(TpmRc.AUTH_FAIL, 1),
        withPolicyHmac(write2, bad, "wrong".getBytes(), new byte[][] {written, written}));
  }

  @Test
  void policyForAnotherCommandFails() throws TpmException {
    byte[] policy = extend(ZERO, TpmCc.POLICY_COMMAND_CODE, u32(TpmCc.NV_WRITE));
    define(INDEX, POLICYWRITE | POLICYREAD, policy, 8);
    Session s = startPolicySession(false);
    policyCommandCode(s, TpmCc.NV_WRITE);
    expect(
        TpmRc.SUCCESS,
        withPolicy(
            command(TpmCc.NV_WRITE)
                .handle(INDEX)
                .handle(INDEX)
                .params(w -> w.write2B(new byte[8]).writeU16(0)),
            s));
    Session r = startPolicySession(false);
    policyCommandCode(r, TpmCc.NV_WRITE);
    expect(
        TpmRc.session(TpmRc.POLICY_CC, 1),
        withPolicy(
            command(TpmCc.NV_READ)
                .handle(INDEX)
                .handle(INDEX)
                .params(w -> w.writeU16(8).writeU16(0)),
            r));
    // A trial session authorises nothing.
    Session t = startPolicySession(true);
    policyCommandCode(t, TpmCc.NV_WRITE);
    expect(
        TpmRc.session(TpmRc.ATTRIBUTES, 1),
        withPolicy(
            command(TpmCc.NV_WRITE)
                .handle(INDEX)
                .handle(INDEX)
                .params(w -> w.write2B(new byte[8]).writeU16(0)),
            t));
  }

  @Test
  void policyOrBranches() throws TpmException {
    byte[] readBranch = extend(ZERO, TpmCc.POLICY_COMMAND_CODE, u32(TpmCc.NV_READ));
    byte[] writeBranch = extend(ZERO, TpmCc.POLICY_COMMAND_CODE, u32(TpmCc.NV_WRITE));
    byte[] policy = extend(ZERO, TpmCc.POLICY_OR, readBranch, writeBranch);
    define(INDEX, POLICYWRITE | POLICYREAD, policy, 4);

    Session w = startPolicySession(false);
    policyCommandCode(w, TpmCc.NV_WRITE);
    expect(TpmRc.SUCCESS, policyOr(w, readBranch, writeBranch));
    assertArrayEquals(policy, policyDigest(w));
    expect(
        TpmRc.SUCCESS,
        withPolicy(
            command(TpmCc.NV_WRITE)
                .handle(INDEX)
                .handle(INDEX)
                .params(p -> p.write2B(new byte[] {4, 3, 2, 1}).writeU16(0)),
            w));

    Session r = startPolicySession(false);
    policyCommandCode(r, TpmCc.NV_READ);
    expect(TpmRc.SUCCESS, policyOr(r, readBranch, writeBranch));
    TpmResponse resp =
        expect(
            TpmRc.SUCCESS,
            withPolicy(
                command(TpmCc.NV_READ)
                    .handle(INDEX)
                    .handle(INDEX)
                    .params(p -> p.writeU16(4).writeU16(0)),
                r));
    assertArrayEquals(new byte[] {4, 3, 2, 1}, parametersOf(resp, 0).read2B(8));

    // A session in neither branch: PolicyOR refuses; PolicyRestart lets it try again.
    Session x = startPolicySession(false);
    policyCommandCode(x, TpmCc.NV_INCREMENT);
    expect(TpmRc.parameter(TpmRc.VALUE, 1), policyOr(x, readBranch, writeBranch));
    expect(TpmRc.SUCCESS, command(TpmCc.POLICY_RESTART).handle(x.handle()));
    assertArrayEquals(ZERO, policyDigest(x));
    policyCommandCode(x, TpmCc.NV_READ);
    expect(TpmRc.SUCCESS, policyOr(x, readBranch, writeBranch));
    // One digest is not a list.
    expect(TpmRc.parameter(TpmRc.SIZE, 1), policyOr(x, readBranch));
  }

  private static TpmCommandBuilder policyOr(Session s, byte[]... digests) {
    return command(TpmCc.POLICY_OR)
        .handle(s.handle())
        .params(
            w -> {
              w.writeU32(digests.length);
              for (byte[] d : digests) {
                w.write2B(d);
              }
            });
  }

  @Test
  void policyPcrFailsAfterAPcrExtend() throws TpmException {
    byte[] selection = hex("00000001000b030f0000");
    byte[] policy = extend(ZERO, TpmCc.POLICY_PCR, selection, sha256(new byte[32 * 4]));
    define(INDEX, OWNERWRITE | POLICYREAD, policy, 4);
    expect(TpmRc.SUCCESS, writeCommand(TpmHandle.RH_OWNER, INDEX, new byte[4], 0));
    Supplier<TpmCommandBuilder> readCmd =
        () ->
            command(TpmCc.NV_READ)
                .handle(INDEX)
                .handle(INDEX)
                .params(w -> w.writeU16(4).writeU16(0));

    Session ok = startPolicySession(false);
    expect(TpmRc.SUCCESS, policyPcr(ok, new byte[0]));
    expect(TpmRc.SUCCESS, withPolicy(readCmd.get(), ok));

    Session s = startPolicySession(false);
    expect(TpmRc.SUCCESS, policyPcr(s, new byte[0]));
    expect(
        TpmRc.SUCCESS,
        command(TpmCc.PCR_EXTEND)
            .handle(2)
            .password()
            .params(w -> w.writeU32(1).writeU16(TpmAlgId.SHA256).writeBytes(new byte[32])));
    expect(TpmRc.session(TpmRc.PCR_CHANGED, 1), withPolicy(readCmd.get(), s));
    // A fresh session sees the new PCR value, which the policy does not name.
    Session after = startPolicySession(false);
    expect(TpmRc.SUCCESS, policyPcr(after, new byte[0]));
    expect(TpmRc.session(TpmRc.POLICY_FAIL, 1), withPolicy(readCmd.get(), after));
  }

  // ------------------------------------------------------------------ PolicyNV

  @Test
  void policyNvComparisons() throws TpmException {
    define(INDEX, OWNERWRITE | OWNERREAD, 8);
    byte[] five = new TpmWriter().writeU64(5).toByteArray();
    expect(TpmRc.SUCCESS, writeCommand(TpmHandle.RH_OWNER, INDEX, five, 0));
    byte[] name = nvName(INDEX, OWNERWRITE | OWNERREAD | WRITTEN, new byte[0], 8);
    byte[] four = new TpmWriter().writeU64(4).toByteArray();
    byte[] minusOne = new TpmWriter().writeU64(-1).toByteArray();
    int eq = 0,
        neq = 1,
        signedGt = 2,
        unsignedGt = 3,
        signedLt = 4,
        unsignedGe = 7,
        bitSet = 10,
        bitClear = 11;
    Object[][] cases = {
      {four, unsignedGt, TpmRc.SUCCESS},
      {four, eq, TpmRc.POLICY},
      {five, eq, TpmRc.SUCCESS},
      {four, neq, TpmRc.SUCCESS},
      {minusOne, signedGt, TpmRc.SUCCESS}, // 5 > -1 signed
      {minusOne, unsignedGt, TpmRc.POLICY}, // 5 < 2^64-1 unsigned
      {minusOne, signedLt, TpmRc.POLICY},
      {five, unsignedGe, TpmRc.SUCCESS},
      {new TpmWriter().writeU64(4).toByteArray(), bitSet, TpmRc.SUCCESS}, // 0b101 has bit 2
      {new TpmWriter().writeU64(2).toByteArray(), bitSet, TpmRc.POLICY},
      {new TpmWriter().writeU64(2).toByteArray(), bitClear, TpmRc.SUCCESS},
      {new byte[] {5}, eq, TpmRc.POLICY}, // first octet is 0
    };
    for (Object[] c : cases) {
      Session s = startPolicySession(false);
      byte[] operand = (byte[]) c[0];
      int op = (int) c[1];
      expect((int) c[2], policyNv(s, operand, 0, op));
      if ((int) c[2] == TpmRc.SUCCESS) {
        byte[] args = sha256(operand, u16(0), u16(op));
        assertArrayEquals(extend(ZERO, TpmCc.POLICY_NV, args, name), policyDigest(s));
      }
      expect(TpmRc.SUCCESS, command(TpmCc.FLUSH_CONTEXT).params(w -> w.writeU32(s.handle())));
    }
    Session s = startPolicySession(false);
    expect(TpmRc.SUCCESS, policyNv(s, new byte[] {5}, 7, eq)); // last octet
    expect(TpmRc.parameter(TpmRc.VALUE, 2), policyNv(s, new byte[] {5}, 9, eq));
    expect(TpmRc.parameter(TpmRc.SIZE, 1), policyNv(s, four, 1, eq));
    expect(TpmRc.parameter(TpmRc.VALUE, 3), policyNv(s, four, 0, 12));
    // A trial session computes the digest without comparing.
    Session t = startPolicySession(true);
    expect(TpmRc.SUCCESS, policyNv(t, four, 0, eq));
    assertArrayEquals(
        extend(ZERO, TpmCc.POLICY_NV, sha256(four, u16(0), u16(eq)), name), policyDigest(t));
  }

  private static TpmCommandBuilder policyNv(Session s, byte[] operand, int offset, int op) {
    return command(TpmCc.POLICY_NV)
        .handle(TpmHandle.RH_OWNER)
        .handle(INDEX)
        .handle(s.handle())
        .password()
        .params(w -> w.write2B(operand).writeU16(offset).writeU16(op));
  }

  @Test
  void policyCounterTimer() throws TpmException {
    // resetCount (offset 16, 4 octets) is 1 after the first Startup... compare restartCount == 0.
    Session s = startPolicySession(false);
    expect(TpmRc.SUCCESS, counterTimer(s, new byte[4], 20, 0));
    assertArrayEquals(
        extend(ZERO, TpmCc.POLICY_COUNTER_TIMER, sha256(new byte[4], u16(20), u16(0))),
        policyDigest(s));
    expect(TpmRc.POLICY, counterTimer(s, new byte[] {0, 0, 0, 1}, 20, 0));
    expect(TpmRc.parameter(TpmRc.VALUE, 2), counterTimer(s, new byte[0], 26, 0));
    expect(TpmRc.RANGE, counterTimer(s, new byte[4], 22, 0));
  }

  private static TpmCommandBuilder counterTimer(Session s, byte[] operand, int offset, int op) {
    return command(TpmCc.POLICY_COUNTER_TIMER)
        .handle(s.handle())
        .params(w -> w.write2B(operand).writeU16(offset).writeU16(op));
  }

  // ------------------------------------------------------------------ PolicySecret / Ticket

  @Test
  void policySecretWithAHierarchy() throws TpmException {
    byte[] ref = "ref".getBytes();
    Session s = startPolicySession(false);
    TpmResponse r = expect(TpmRc.SUCCESS, policySecret(TpmHandle.RH_OWNER, new byte[0], s, ref, 0));
    byte[] expected = sha256(extend(ZERO, TpmCc.POLICY_SECRET, u32(TpmHandle.RH_OWNER)), ref);
    assertArrayEquals(expected, policyDigest(s));
    TpmReader out = parametersOf(r, 0);
    assertEquals(0, out.read2B(8).length);
    assertEquals(TpmSt.AUTH_SECRET, out.readU16());
    assertEquals(TpmHandle.RH_NULL, out.readU32());
    // A wrong owner password fails like any authorisation.
    Session t = startPolicySession(false);
    expect(
        TpmRc.session(TpmRc.BAD_AUTH, 1),
        policySecret(TpmHandle.RH_OWNER, new byte[] {1}, t, ref, 0));
  }

  @Test
  void policySecretWithAnNvIndexAndItsTicket() throws TpmException {
    int attrs = OWNERWRITE | AUTHREAD | OWNERREAD;
    define(INDEX, attrs, 8);
    byte[] name = nvName(INDEX, attrs, new byte[0], 8);
    Session s = startPolicySession(false);
    TpmResponse r = expect(TpmRc.SUCCESS, policySecret(INDEX, PASSWORD, s, new byte[0], -600));
    byte[] expected = sha256(extend(ZERO, TpmCc.POLICY_SECRET, name), new byte[0]);
    assertArrayEquals(expected, policyDigest(s));
    TpmReader out = parametersOf(r, 0);
    byte[] timeout = out.read2B(8);
    assertEquals(8, timeout.length);
    int tag = out.readU16();
    int hierarchy = out.readU32();
    byte[] ticket = out.read2B(64);
    assertEquals(TpmSt.AUTH_SECRET, tag);
    assertEquals(TpmHandle.RH_OWNER, hierarchy);

    // The ticket stands in for the secret in another session.
    Session t = startPolicySession(false);
    expect(TpmRc.SUCCESS, policyTicket(t, timeout, name, hierarchy, ticket));
    assertArrayEquals(expected, policyDigest(t));
    ticket[0] ^= 1;
    Session u = startPolicySession(false);
    expect(TpmRc.parameter(TpmRc.TICKET, 5), policyTicket(u, timeout, name, hierarchy, ticket));
    // A trial session cannot use tickets.
    Session trial = startPolicySession(true);
    expect(
        TpmRc.handle(TpmRc.ATTRIBUTES, 1), policyTicket(trial, timeout, name, hierarchy, ticket));
    // After the timeout (600 s) it has expired.
    ticket[0] ^= 1;
    millis.addAndGet(601_000);
    Session late = startPolicySession(false);
    expect(TpmRc.parameter(TpmRc.EXPIRED, 1), policyTicket(late, timeout, name, hierarchy, ticket));
    // The index's password is checked; a wrong one fails (DA-protected).
    Session v = startPolicySession(false);
    expect(
        TpmRc.session(TpmRc.AUTH_FAIL, 1), policySecret(INDEX, new byte[] {1}, v, new byte[0], 0));
  }

  @Test
  void policySecretNonceMustMatch() throws TpmException {
    Session s = startPolicySession(false);
    byte[] wrongNonce = new byte[s.nonceTpm().length];
    expect(
        TpmRc.parameter(TpmRc.NONCE, 1),
        command(TpmCc.POLICY_SECRET)
            .handle(TpmHandle.RH_OWNER)
            .handle(s.handle())
            .password()
            .params(
                w -> w.write2B(wrongNonce).write2B(new byte[0]).write2B(new byte[0]).writeU32(0)));
    expect(
        TpmRc.SUCCESS,
        command(TpmCc.POLICY_SECRET)
            .handle(TpmHandle.RH_OWNER)
            .handle(s.handle())
            .password()
            .params(
                w ->
                    w.write2B(s.nonceTpm()).write2B(new byte[0]).write2B(new byte[0]).writeU32(0)));
  }

  private static TpmCommandBuilder policySecret(
      int auth, byte[] password, Session s, byte[] ref, int expiration) {
    return command(TpmCc.POLICY_SECRET)
        .handle(auth)
        .handle(s.handle())
        .password(password)
        .params(w -> w.write2B(new byte[0]).write2B(new byte[0]).write2B(ref).writeU32(expiration));
  }

  private static TpmCommandBuilder policyTicket(
      Session s, byte[] timeout, byte[] name, int hierarchy, byte[] ticket) {
    return command(TpmCc.POLICY_TICKET)
        .handle(s.handle())
        .params(
            w ->
                w.write2B(timeout)
                    .write2B(new byte[0])
                    .write2B(new byte[0])
                    .write2B(name)
                    .writeU16(TpmSt.AUTH_SECRET)
                    .writeU32(hierarchy)
                    .write2B(ticket));
  }

  // ------------------------------------------------------------------ the rest

  @Test
  void nvWrittenPolicy() throws TpmException {
    byte[] policy = extend(ZERO, TpmCc.POLICY_NV_WRITTEN, new byte[] {0});
    define(INDEX, POLICYWRITE | OWNERREAD, policy, 4);
    Supplier<TpmCommandBuilder> write =
        () ->
            command(TpmCc.NV_WRITE)
                .handle(INDEX)
                .handle(INDEX)
                .params(w -> w.write2B(new byte[4]).writeU16(0));
    Session first = startPolicySession(false);
    expect(
        TpmRc.SUCCESS,
        command(TpmCc.POLICY_NV_WRITTEN).handle(first.handle()).params(w -> w.writeU8(0)));
    expect(
        TpmRc.parameter(TpmRc.VALUE, 1),
        command(TpmCc.POLICY_NV_WRITTEN).handle(first.handle()).params(w -> w.writeU8(1)));
    expect(TpmRc.SUCCESS, withPolicy(write.get(), first));
    // Written now: the write-once policy no longer holds.
    Session second = startPolicySession(false);
    expect(
        TpmRc.SUCCESS,
        command(TpmCc.POLICY_NV_WRITTEN).handle(second.handle()).params(w -> w.writeU8(0)));
    expect(TpmRc.session(TpmRc.POLICY_FAIL, 1), withPolicy(write.get(), second));
  }

  @Test
  void changeAuthAndUndefineSpecialWithPolicies() throws TpmException {
    byte[] policy = extend(ZERO, TpmCc.POLICY_COMMAND_CODE, u32(TpmCc.NV_CHANGE_AUTH));
    define(INDEX, OWNERWRITE | AUTHREAD | AUTHWRITE, policy, 4);
    Session s = startPolicySession(false);
    policyCommandCode(s, TpmCc.NV_CHANGE_AUTH);
    byte[] newAuth = "new".getBytes();
    expect(
        TpmRc.SUCCESS,
        withPolicy(command(TpmCc.NV_CHANGE_AUTH).handle(INDEX).params(w -> w.write2B(newAuth)), s));
    expect(TpmRc.session(TpmRc.AUTH_FAIL, 1), writeCommand(INDEX, INDEX, new byte[4], 0));
    expect(
        TpmRc.SUCCESS,
        command(TpmCc.NV_WRITE)
            .handle(INDEX)
            .handle(INDEX)
            .password(newAuth)
            .params(w -> w.write2B(new byte[4]).writeU16(0)));

    byte[] deletePolicy =
        extend(ZERO, TpmCc.POLICY_COMMAND_CODE, u32(TpmCc.NV_UNDEFINE_SPACE_SPECIAL));
    expect(
        TpmRc.SUCCESS,
        defineCommand(
            TpmHandle.RH_PLATFORM,
            new byte[0],
            INDEX2,
            OWNERREAD | PPWRITE | PLATFORMCREATE | POLICY_DELETE,
            deletePolicy,
            4));
    Session d = startPolicySession(false);
    policyCommandCode(d, TpmCc.NV_UNDEFINE_SPACE_SPECIAL);
    expect(
        TpmRc.SUCCESS,
        withPolicy(
                command(TpmCc.NV_UNDEFINE_SPACE_SPECIAL)
                    .handle(INDEX2)
                    .handle(TpmHandle.RH_PLATFORM),
                d)
            .password());
    expect(TpmRc.handle(TpmRc.HANDLE, 1), command(TpmCc.NV_READ_PUBLIC).handle(INDEX2));
  }

  @Test
  void cpHashNameHashAndDuplicationSelect() throws TpmException {
    Session s = startPolicySession(true);
    expect(
        TpmRc.parameter(TpmRc.SIZE, 1),
        command(TpmCc.POLICY_CP_HASH).handle(s.handle()).params(w -> w.write2B(new byte[20])));
    byte[] cp = sha256("cp".getBytes());
    expect(
        TpmRc.SUCCESS, command(TpmCc.POLICY_CP_HASH).handle(s.handle()).params(w -> w.write2B(cp)));
    assertArrayEquals(extend(ZERO, TpmCc.POLICY_CP_HASH, cp), policyDigest(s));
    expect(
        TpmRc.CPHASH,
        command(TpmCc.POLICY_NAME_HASH).handle(s.handle()).params(w -> w.write2B(cp)));
    expect(
        TpmRc.CPHASH,
        command(TpmCc.POLICY_CP_HASH).handle(s.handle()).params(w -> w.write2B(sha256(cp))));

    Session n = startPolicySession(true);
    expect(
        TpmRc.SUCCESS,
        command(TpmCc.POLICY_NAME_HASH).handle(n.handle()).params(w -> w.write2B(cp)));
    assertArrayEquals(extend(ZERO, TpmCc.POLICY_NAME_HASH, cp), policyDigest(n));

    byte[] object = concat(u16(TpmAlgId.SHA256), sha256("object".getBytes()));
    byte[] parent = concat(u16(TpmAlgId.SHA256), sha256("parent".getBytes()));
    Session d = startPolicySession(true);
    expect(
        TpmRc.SUCCESS,
        command(TpmCc.POLICY_DUPLICATION_SELECT)
            .handle(d.handle())
            .params(w -> w.write2B(object).write2B(parent).writeU8(0)));
    assertArrayEquals(
        extend(ZERO, TpmCc.POLICY_DUPLICATION_SELECT, parent, new byte[] {0}), policyDigest(d));
    expect(
        TpmRc.CPHASH,
        command(TpmCc.POLICY_DUPLICATION_SELECT)
            .handle(d.handle())
            .params(w -> w.write2B(object).write2B(parent).writeU8(1)));
    Session d2 = startPolicySession(true);
    expect(
        TpmRc.SUCCESS,
        command(TpmCc.POLICY_DUPLICATION_SELECT)
            .handle(d2.handle())
            .params(w -> w.write2B(object).write2B(parent).writeU8(1)));
    assertArrayEquals(
        extend(ZERO, TpmCc.POLICY_DUPLICATION_SELECT, object, parent, new byte[] {1}),
        policyDigest(d2));
  }

  @Test
  void policyAuthorize() throws TpmException {
    byte[] keyName = concat(u16(TpmAlgId.SHA256), sha256("signing key".getBytes()));
    byte[] ref = "ref".getBytes();
    byte[] approved = sha256("approved".getBytes());
    Session trial = startPolicySession(true);
    expect(TpmRc.SUCCESS, policyAuthorize(trial, approved, ref, keyName, new byte[0]));
    assertArrayEquals(
        sha256(extend(ZERO, TpmCc.POLICY_AUTHORIZE, keyName), ref), policyDigest(trial));
    expect(
        TpmRc.parameter(TpmRc.SIZE, 3),
        policyAuthorize(trial, approved, ref, new byte[] {0, 0x0B, 1}, new byte[0]));
    expect(
        TpmRc.parameter(TpmRc.HASH, 3),
        policyAuthorize(trial, approved, ref, new byte[] {0, 0x7F, 1}, new byte[0]));
    // A real session: the approved policy must be its digest, and the ticket must verify.
    Session real = startPolicySession(false);
    expect(
        TpmRc.parameter(TpmRc.VALUE, 1),
        policyAuthorize(real, approved, ref, keyName, new byte[32]));
    expect(
        TpmRc.parameter(TpmRc.VALUE, 4), policyAuthorize(real, ZERO, ref, keyName, new byte[32]));
  }

  private static TpmCommandBuilder policyAuthorize(
      Session s, byte[] approved, byte[] ref, byte[] keyName, byte[] ticket) {
    return command(TpmCc.POLICY_AUTHORIZE)
        .handle(s.handle())
        .params(
            w ->
                w.write2B(approved)
                    .write2B(ref)
                    .write2B(keyName)
                    .writeU16(TpmSt.VERIFIED)
                    .writeU32(TpmHandle.RH_OWNER)
                    .write2B(ticket));
  }

  @Test
  void physicalPresenceSetsTheFlag() throws TpmException {
    Session s = startPolicySession(true);
    policySimple(s, TpmCc.POLICY_PHYSICAL_PRESENCE);
    assertArrayEquals(extend(ZERO, TpmCc.POLICY_PHYSICAL_PRESENCE), policyDigest(s));
    expect(
        TpmRc.handle(TpmRc.VALUE, 1),
        command(TpmCc.POLICY_GET_DIGEST).handle(TpmHandle.HMAC_SESSION_FIRST));
  }
}
