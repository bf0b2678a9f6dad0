package io.parasol.tpm.command.attestation;

import static io.parasol.tpm.TpmCommandBuilder.command;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.parasol.tpm.Tpm;
import io.parasol.tpm.TpmAlgId;
import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmCommandBuilder;
import io.parasol.tpm.TpmHandle;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.TpmResponse;
import io.parasol.tpm.TpmSt;
import io.parasol.tpm.command.object.ObjectTestSupport;
import io.parasol.tpm.crypto.HashAlgorithm;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;
import io.parasol.tpm.object.PublicTemplates;
import io.parasol.tpm.object.TpmtScheme;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Part 3 §21 command audit with §18.6 TPM2_GetCommandAuditDigest, and session audit with §18.5
 * TPM2_GetSessionAuditDigest: the digests are recomputed here from the bytes that went over the
 * wire (Part 1 §33 and §19.6.16).
 */
class AuditTest extends ObjectTestSupport {
  private static final HashAlgorithm SHA256 = HashAlgorithm.SHA256;
  private int ak;
  private AttestationTest.Attestation last;

  @BeforeEach
  void start() throws Exception {
    startup();
    int srk = createPrimary(TpmHandle.RH_OWNER, PublicTemplates.rsaStorage(2048)).handle();
    ak =
        createAndLoad(
            srk,
            PublicTemplates.rsaKey(2048, AttestationTest.AK_ATTRS, AttestationTest.RSASSA_SHA256),
            new byte[0],
            new byte[0]);
  }

  private static byte[] u32(int v) {
    return new TpmWriter().writeU32(v).toByteArray();
  }

  private static TpmCommandBuilder setAuditStatus(int alg, int[] set, int[] clear) {
    return command(TpmCc.SET_COMMAND_CODE_AUDIT_STATUS)
        .handle(TpmHandle.RH_OWNER)
        .password()
        .params(
            w -> {
              w.writeU16(alg).writeU32(set.length);
              Arrays.stream(set).forEach(w::writeU32);
              w.writeU32(clear.length);
              Arrays.stream(clear).forEach(w::writeU32);
            });
  }

  private static final TpmCommandBuilder GET_RANDOM =
      command(TpmCc.GET_RANDOM).params(w -> w.writeU16(8));

  /** cpHash of a command: {@code H(cc || names || parameters)}. */
  private static byte[] cpHash(HashAlgorithm h, TpmCommandBuilder b) {
    var md = h.newDigest();
    md.update(u32(b.commandCode()));
    for (int handle : b.handles()) {
      md.update(u32(handle)); // permanent handles: Name = handle
    }
    md.update(b.parameterBytes());
    return md.digest();
  }

  /** rpHash of a successful response: {@code H(0 || cc || parameters)}. */
  private static byte[] rpHash(HashAlgorithm h, int cc, TpmResponse r) throws Exception {
    byte[] params;
    if (r.tag() == TpmSt.SESSIONS) {
      TpmReader in = r.body();
      params = in.readBytes(in.readU32());
    } else {
      params = r.bodyBytes();
    }
    return h.digest(new byte[4], u32(cc), params);
  }

  private TpmsAttest.CommandAuditInfo commandAuditDigest(int signer) throws Exception {
    TpmResponse r =
        expect(
            TpmRc.SUCCESS,
            command(TpmCc.GET_COMMAND_AUDIT_DIGEST)
                .handle(TpmHandle.RH_ENDORSEMENT)
                .handle(signer)
                .password()
                .password()
                .params(
                    w -> {
                      w.write2B(new byte[0]);
                      TpmtScheme.NULL.write(w);
                    }));
    last = AttestationTest.readAttestation(parametersOf(r, 0));
    return assertInstanceOf(TpmsAttest.CommandAuditInfo.class, last.attest().attested());
  }

  @Test
  void commandAuditDigestIsRecomputedFromTheWire() throws Exception {
    TpmCommandBuilder set = setAuditStatus(TpmAlgId.NULL, new int[] {TpmCc.GET_RANDOM}, new int[0]);
    TpmResponse r1 = expect(TpmRc.SUCCESS, set);
    TpmResponse r2 = expect(TpmRc.SUCCESS, GET_RANDOM);
    // SetCommandCodeAuditStatus is always audited; the first audited command starts the digest.
    byte[] d = new byte[32];
    d =
        SHA256.digest(
            d, cpHash(SHA256, set), rpHash(SHA256, TpmCc.SET_COMMAND_CODE_AUDIT_STATUS, r1));
    d = SHA256.digest(d, cpHash(SHA256, GET_RANDOM), rpHash(SHA256, TpmCc.GET_RANDOM, r2));

    // Unaudited and failed commands change nothing.
    expect(TpmRc.SUCCESS, command(TpmCc.READ_CLOCK));
    expect(TpmRc.SIZE, command(TpmCc.GET_RANDOM).params(w -> w.writeU16(8).writeU8(0)));

    TpmsAttest.CommandAuditInfo info = commandAuditDigest(ak);
    assertEquals(1, info.auditCounter());
    assertEquals(TpmAlgId.SHA256, info.digestAlg());
    assertArrayEquals(d, info.auditDigest());
    assertArrayEquals(
        SHA256.digest(u32(TpmCc.SET_COMMAND_CODE_AUDIT_STATUS), u32(TpmCc.GET_RANDOM)),
        info.commandDigest());
    assertEquals(TpmSt.ATTEST_COMMAND_AUDIT, last.attest().type());

    // The signed report cleared the digest: the next audited command starts over, counter 2.
    TpmResponse r3 = expect(TpmRc.SUCCESS, GET_RANDOM);
    TpmsAttest.CommandAuditInfo next = commandAuditDigest(TpmHandle.RH_NULL);
    assertEquals(2, next.auditCounter());
    assertArrayEquals(
        SHA256.digest(
            new byte[32], cpHash(SHA256, GET_RANDOM), rpHash(SHA256, TpmCc.GET_RANDOM, r3)),
        next.auditDigest());
    // An unsigned report does not clear it.
    assertArrayEquals(next.auditDigest(), commandAuditDigest(TpmHandle.RH_NULL).auditDigest());

    // The counter is persistent.
    Tpm restored = Tpm.restore(tpm.saveState());
    assertEquals(2, restored.state().auditCounter());
  }

  @Test
  void changingTheAuditHash() throws Exception {
    expect(
        TpmRc.parameter(TpmRc.VALUE, 1),
        setAuditStatus(TpmAlgId.SHA384, new int[] {TpmCc.GET_RANDOM}, new int[0]));
    expect(TpmRc.parameter(TpmRc.HASH, 1), setAuditStatus(0x0004 + 0x100, new int[0], new int[0]));
    expect(TpmRc.SUCCESS, setAuditStatus(TpmAlgId.NULL, new int[] {TpmCc.GET_RANDOM}, new int[0]));
    expect(TpmRc.SUCCESS, setAuditStatus(TpmAlgId.SHA384, new int[0], new int[0]));
    // The change itself is not recorded: the digest is empty until the next audited command.
    assertEquals(0, commandAuditDigest(TpmHandle.RH_NULL).auditDigest().length);
    TpmResponse r = expect(TpmRc.SUCCESS, GET_RANDOM);
    TpmsAttest.CommandAuditInfo info = commandAuditDigest(TpmHandle.RH_NULL);
    HashAlgorithm sha384 = HashAlgorithm.SHA384;
    assertEquals(TpmAlgId.SHA384, info.digestAlg());
    assertEquals(2, info.auditCounter());
    assertArrayEquals(
        sha384.digest(
            new byte[48], cpHash(sha384, GET_RANDOM), rpHash(sha384, TpmCc.GET_RANDOM, r)),
        info.auditDigest());
    // Clearing: GetRandom leaves the list, SetCommandCodeAuditStatus cannot.
    expect(
        TpmRc.SUCCESS,
        setAuditStatus(
            TpmAlgId.NULL,
            new int[0],
            new int[] {TpmCc.GET_RANDOM, TpmCc.SET_COMMAND_CODE_AUDIT_STATUS}));
    assertArrayEquals(
        sha384.digest(u32(TpmCc.SET_COMMAND_CODE_AUDIT_STATUS)),
        commandAuditDigest(TpmHandle.RH_NULL).commandDigest());
  }

  @Test
  void sessionAuditDigest() throws Exception {
    TpmResponse s =
        expect(
            TpmRc.SUCCESS,
            command(TpmCc.START_AUTH_SESSION)
                .handle(TpmHandle.RH_NULL)
                .handle(TpmHandle.RH_NULL)
                .params(
                    w ->
                        w.write2B(new byte[16])
                            .write2B(new byte[0])
                            .writeU8(0) // TPM_SE_HMAC
                            .writeU16(TpmAlgId.NULL)
                            .writeU16(TpmAlgId.SHA256)));
    int session = s.body().readU32();
    TpmCommandBuilder getSessionAudit =
        command(TpmCc.GET_SESSION_AUDIT_DIGEST)
            .handle(TpmHandle.RH_ENDORSEMENT)
            .handle(ak)
            .handle(session)
            .password()
            .password()
            .params(
                w -> {
                  w.write2B("q".getBytes());
                  TpmtScheme.NULL.write(w);
                });
    // Not yet an audit session.
    expect(TpmRc.handle(TpmRc.TYPE, 3), getSessionAudit);

    // GetRandom audited by the session (continueSession | audit; no key, so no HMAC).
    TpmCommandBuilder audited =
        command(TpmCc.GET_RANDOM)
            .session(session, new byte[16], 0x81, new byte[0])
            .params(w -> w.writeU16(8));
    TpmResponse r1 = expect(TpmRc.SUCCESS, audited);
    TpmResponse r2 = expect(TpmRc.SUCCESS, audited);
    byte[] cp = cpHash(SHA256, audited);
    byte[] d = SHA256.digest(new byte[32], cp, rpHash(SHA256, TpmCc.GET_RANDOM, r1));
    d = SHA256.digest(d, cp, rpHash(SHA256, TpmCc.GET_RANDOM, r2));

    TpmResponse r = expect(TpmRc.SUCCESS, getSessionAudit);
    AttestationTest.Attestation a = AttestationTest.readAttestation(parametersOf(r, 0));
    TpmsAttest.SessionAuditInfo info =
        assertInstanceOf(TpmsAttest.SessionAuditInfo.class, a.attest().attested());
    assertArrayEquals(d, info.sessionDigest());
    assertArrayEquals("q".getBytes(), a.attest().extraData());
  }
}
