package io.parasol.tpm.command.ea;

import static io.parasol.tpm.TpmCommandBuilder.command;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.parasol.tpm.TpmAlgId;
import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmCommandBuilder;
import io.parasol.tpm.TpmHandle;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.TpmResponse;
import io.parasol.tpm.TpmSt;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.nv.NvTestSupport;
import io.parasol.tpm.object.TpmaObject;
import io.parasol.tpm.object.TpmtPublic;
import io.parasol.tpm.object.TpmtScheme;
import io.parasol.tpm.object.TpmtSymDefObject;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Part 3 §23.3 TPM2_PolicySigned with a key made by the JDK and loaded with TPM2_LoadExternal: the
 * signature over {@code H(nonceTPM || expiration || cpHashA || policyRef)}, the policy digest, and
 * the ticket TPM2_PolicyTicket accepts.
 */
class PolicySignedTest extends NvTestSupport {
  private static final byte[] REF = "ref".getBytes();
  private KeyPair keys;
  private int authKey;
  private byte[] keyName;

  @BeforeEach
  void start() throws Exception {
    startup();
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    keys = g.generateKeyPair();
    byte[] modulus = ((RSAPublicKey) keys.getPublic()).getModulus().toByteArray();
    if (modulus[0] == 0) {
      modulus = Arrays.copyOfRange(modulus, 1, modulus.length);
    }
    TpmtPublic pub =
        new TpmtPublic(
            TpmAlgId.RSA,
            TpmAlgId.SHA256,
            TpmaObject.SIGN_ENCRYPT | TpmaObject.USER_WITH_AUTH,
            new byte[0],
            new TpmtPublic.RsaParms(TpmtSymDefObject.NULL, TpmtScheme.NULL, 2048, 0),
            modulus,
            new byte[0]);
    TpmResponse r =
        expect(
            TpmRc.SUCCESS,
            command(TpmCc.LOAD_EXTERNAL)
                .params(
                    w -> {
                      w.writeU16(0);
                      pub.write2B(w);
                      w.writeU32(TpmHandle.RH_OWNER);
                    }));
    authKey = r.body().readU32();
    keyName = pub.name();
  }

  private byte[] sign(byte[] nonce, int expiration, byte[] cpHash, byte[] ref) throws Exception {
    Signature s = Signature.getInstance("SHA256withRSA");
    s.initSign(keys.getPrivate());
    s.update(concat(nonce, u32(expiration), cpHash, ref));
    return s.sign();
  }

  private TpmCommandBuilder policySigned(Session s, byte[] nonce, int expiration, byte[] sig) {
    return command(TpmCc.POLICY_SIGNED)
        .handle(authKey)
        .handle(s.handle())
        .params(
            w ->
                w.write2B(nonce)
                    .write2B(new byte[0])
                    .write2B(REF)
                    .writeU32(expiration)
                    .writeU16(TpmAlgId.RSASSA)
                    .writeU16(TpmAlgId.SHA256)
                    .write2B(sig));
  }

  private byte[] expectedDigest() {
    return sha256(sha256(new byte[32], u32(TpmCc.POLICY_SIGNED), keyName), REF);
  }

  @Test
  void aJdkSignatureSatisfiesThePolicy() throws Exception {
    Session s = startPolicySession(false);
    TpmResponse r =
        expect(
            TpmRc.SUCCESS,
            policySigned(s, s.nonceTpm(), 0, sign(s.nonceTpm(), 0, new byte[0], REF)));
    TpmReader out = r.body();
    assertEquals(0, out.read2B(8).length, "no timeout without a negative expiration");
    assertEquals(TpmSt.AUTH_SIGNED, out.readU16());
    assertEquals(TpmHandle.RH_NULL, out.readU32());
    assertArrayEquals(expectedDigest(), policyDigest(s));

    // A trial session computes the same digest without a signature check.
    Session trial = startPolicySession(true);
    expect(TpmRc.SUCCESS, policySigned(trial, new byte[0], 0, new byte[256]));
    assertArrayEquals(expectedDigest(), policyDigest(trial));
  }

  @Test
  void badSignaturesAndNoncesAreRefused() throws Exception {
    Session s = startPolicySession(false);
    byte[] sig = sign(s.nonceTpm(), 0, new byte[0], REF);
    byte[] forged = sig.clone();
    forged[10] ^= 1;
    expect(TpmRc.parameter(TpmRc.SIGNATURE, 5), policySigned(s, s.nonceTpm(), 0, forged));
    // Signed for another expiration than the one presented.
    expect(TpmRc.parameter(TpmRc.SIGNATURE, 5), policySigned(s, s.nonceTpm(), 60, sig));
    byte[] otherNonce = s.nonceTpm().clone();
    otherNonce[0] ^= 1;
    expect(
        TpmRc.parameter(TpmRc.NONCE, 1),
        policySigned(s, otherNonce, 0, sign(otherNonce, 0, new byte[0], REF)));
  }

  @Test
  void negativeExpirationGivesATicketForPolicyTicket() throws Exception {
    Session s = startPolicySession(false);
    TpmResponse r =
        expect(
            TpmRc.SUCCESS,
            policySigned(s, s.nonceTpm(), -60, sign(s.nonceTpm(), -60, new byte[0], REF)));
    TpmReader out = r.body();
    byte[] timeout = out.read2B(8);
    assertEquals(8, timeout.length);
    int tag = out.readU16();
    int hierarchy = out.readU32();
    byte[] ticket = out.read2B(64);
    assertEquals(TpmSt.AUTH_SIGNED, tag);
    assertEquals(TpmHandle.RH_OWNER, hierarchy);
    assertEquals(32, ticket.length);
    assertEquals(
        60_000L,
        new BigInteger(1, timeout).longValue()
            - tpm.withLock(() -> tpm.state().sessions().loaded(s.handle()).orElseThrow().startTime),
        "the timeout counts from the session's start");

    Session other = startPolicySession(false);
    TpmCommandBuilder policyTicket =
        command(TpmCc.POLICY_TICKET)
            .handle(other.handle())
            .params(
                w ->
                    w.write2B(timeout)
                        .write2B(new byte[0])
                        .write2B(REF)
                        .write2B(keyName)
                        .writeU16(tag)
                        .writeU32(hierarchy)
                        .write2B(ticket));
    expect(TpmRc.SUCCESS, policyTicket);
    assertArrayEquals(expectedDigest(), policyDigest(other));
  }
}
