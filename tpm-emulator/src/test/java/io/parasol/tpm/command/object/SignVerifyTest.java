package io.parasol.tpm.command.object;

import static io.parasol.tpm.TpmCommandBuilder.command;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parasol.tpm.Hierarchy;
import io.parasol.tpm.TpmAlgId;
import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmCommandBuilder;
import io.parasol.tpm.TpmHandle;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.TpmResponse;
import io.parasol.tpm.TpmSt;
import io.parasol.tpm.crypto.HashAlgorithm;
import io.parasol.tpm.crypto.Hmac;
import io.parasol.tpm.marshal.Tpm2b;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;
import io.parasol.tpm.object.PublicTemplates;
import io.parasol.tpm.object.TpmaObject;
import io.parasol.tpm.object.TpmtPublic;
import io.parasol.tpm.object.TpmtScheme;
import io.parasol.tpm.object.TpmtSignature;
import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.security.spec.RSAPublicKeySpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Part 3 §20.2 TPM2_Sign and §20.1 TPM2_VerifySignature, checked against the JDK. */
class SignVerifyTest extends ObjectTestSupport {
  private static final byte[] MESSAGE = "message to sign".getBytes();
  private static final byte[] DIGEST = HashAlgorithm.SHA256.digest(MESSAGE);
  private static final int SIGN_ATTRS = PublicTemplates.BASE_ATTRIBUTES | TpmaObject.SIGN_ENCRYPT;
  private int srk;

  @BeforeEach
  void start() throws Exception {
    startup();
    srk = createPrimary(TpmHandle.RH_OWNER, PublicTemplates.rsaStorage(2048)).handle();
  }

  static TpmCommandBuilder signCommand(int key, byte[] digest, TpmtScheme scheme) {
    return command(TpmCc.SIGN)
        .handle(key)
        .password()
        .params(
            w -> {
              w.write2B(digest);
              scheme.write(w);
              w.writeU16(TpmSt.HASHCHECK).writeU32(TpmHandle.RH_NULL).write2B(new byte[0]);
            });
  }

  private TpmtSignature sign(int key, TpmtScheme scheme) throws Exception {
    TpmResponse r = expect(TpmRc.SUCCESS, signCommand(key, DIGEST, scheme));
    return TpmtSignature.read(parametersOf(r, 0));
  }

  private TpmResponse verify(int key, byte[] digest, TpmtSignature sig) {
    return run(
        command(TpmCc.VERIFY_SIGNATURE)
            .handle(key)
            .params(
                w -> {
                  w.write2B(digest);
                  sig.write(w);
                }));
  }

  private static PublicKey rsaPublic(TpmtPublic pub) throws Exception {
    return KeyFactory.getInstance("RSA")
        .generatePublic(
            new RSAPublicKeySpec(new BigInteger(1, pub.unique()), BigInteger.valueOf(65537)));
  }

  @Test
  void rsassaAndPssVerifiedByTheJdk() throws Exception {
    Created c =
        create(
            srk,
            PublicTemplates.rsaKey(2048, SIGN_ATTRS, TpmtScheme.NULL),
            new byte[0],
            new byte[0]);
    int key = load(srk, c);
    TpmtSignature ssa = sign(key, TpmtScheme.of(TpmAlgId.RSASSA, TpmAlgId.SHA256));
    Signature jdk = Signature.getInstance("SHA256withRSA");
    jdk.initVerify(rsaPublic(c.publicArea()));
    jdk.update(MESSAGE);
    assertTrue(jdk.verify(ssa.first()));

    TpmtSignature pss = sign(key, TpmtScheme.of(TpmAlgId.RSAPSS, TpmAlgId.SHA256));
    Signature jdkPss = Signature.getInstance("RSASSA-PSS");
    jdkPss.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
    jdkPss.initVerify(rsaPublic(c.publicArea()));
    jdkPss.update(MESSAGE);
    assertTrue(jdkPss.verify(pss.first()));

    // The TPM verifies its own signatures and returns a ticket.
    TpmResponse v = verify(key, DIGEST, ssa);
    assertEquals(TpmRc.SUCCESS, v.rc());
    TpmReader t = v.body();
    assertEquals(TpmSt.VERIFIED, t.readU16());
    assertEquals(TpmHandle.RH_OWNER, t.readU32());
    byte[] expected =
        Hmac.compute(
            HashAlgorithm.SHA256,
            tpm.state().proof(Hierarchy.OWNER),
            new byte[] {(byte) 0x80, 0x22},
            DIGEST,
            c.name());
    assertArrayEquals(expected, t.read2B(Tpm2b.DIGEST));
    assertEquals(TpmRc.SUCCESS, verify(key, DIGEST, pss).rc());
    byte[] other = DIGEST.clone();
    other[0] ^= 1;
    assertEquals(TpmRc.parameter(TpmRc.SIGNATURE, 2), verify(key, other, ssa).rc());
  }

  @Test
  void ecdsaVerifiedByTheJdk() throws Exception {
    Created c =
        create(
            srk,
            PublicTemplates.eccKey(
                TpmAlgId.ECC_NIST_P256, SIGN_ATTRS, TpmtScheme.of(TpmAlgId.ECDSA, TpmAlgId.SHA256)),
            new byte[0],
            new byte[0]);
    int key = load(srk, c);
    TpmtSignature sig = sign(key, TpmtScheme.NULL);
    assertEquals(TpmAlgId.ECDSA, sig.sigAlg());
    AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
    params.init(new ECGenParameterSpec("secp256r1"));
    PublicKey pub =
        KeyFactory.getInstance("EC")
            .generatePublic(
                new ECPublicKeySpec(
                    new ECPoint(
                        new BigInteger(1, c.publicArea().unique()),
                        new BigInteger(1, c.publicArea().uniqueY())),
                    params.getParameterSpec(ECParameterSpec.class)));
    Signature jdk = Signature.getInstance("SHA256withECDSAinP1363Format");
    jdk.initVerify(pub);
    jdk.update(MESSAGE);
    TpmWriter rs = new TpmWriter().writeBytes(sig.first()).writeBytes(sig.second());
    assertTrue(jdk.verify(rs.toByteArray()));
    assertEquals(TpmRc.SUCCESS, verify(key, DIGEST, sig).rc());
    // The key's scheme fixes the hash: another one is refused.
    expect(
        TpmRc.parameter(TpmRc.SCHEME, 2),
        signCommand(key, DIGEST, TpmtScheme.of(TpmAlgId.ECDSA, TpmAlgId.SHA384)));
  }

  @Test
  void hmacSignature() throws Exception {
    int key = createAndLoad(srk, PublicTemplates.hmacKey(), new byte[0], new byte[0]);
    TpmtSignature sig = sign(key, TpmtScheme.NULL);
    assertEquals(TpmAlgId.HMAC, sig.sigAlg());
    assertEquals(32, sig.first().length);
    assertEquals(TpmRc.SUCCESS, verify(key, DIGEST, sig).rc());
  }

  @Test
  void schemeAndKeyErrors() throws Exception {
    int key =
        createAndLoad(
            srk,
            PublicTemplates.rsaKey(2048, SIGN_ATTRS, TpmtScheme.NULL),
            new byte[0],
            new byte[0]);
    expect(TpmRc.parameter(TpmRc.SCHEME, 2), signCommand(key, DIGEST, TpmtScheme.NULL));
    expect(
        TpmRc.parameter(TpmRc.SCHEME, 2),
        signCommand(key, DIGEST, TpmtScheme.of(TpmAlgId.ECDSA, TpmAlgId.SHA256)));
    expect(
        TpmRc.parameter(TpmRc.SIZE, 1),
        signCommand(key, new byte[20], TpmtScheme.of(TpmAlgId.RSASSA, TpmAlgId.SHA256)));
    expect(
        TpmRc.handle(TpmRc.KEY, 1),
        signCommand(srk, DIGEST, TpmtScheme.of(TpmAlgId.RSASSA, TpmAlgId.SHA256)));
  }

  @Test
  void restrictedKeyNeedsHashcheckTicket() throws Exception {
    int key =
        createAndLoad(
            srk,
            PublicTemplates.rsaKey(
                2048,
                SIGN_ATTRS | TpmaObject.RESTRICTED,
                TpmtScheme.of(TpmAlgId.RSASSA, TpmAlgId.SHA256)),
            new byte[0],
            new byte[0]);
    expect(TpmRc.parameter(TpmRc.TICKET, 3), signCommand(key, DIGEST, TpmtScheme.NULL));
    TpmResponse h =
        expect(
            TpmRc.SUCCESS,
            command(TpmCc.HASH)
                .params(
                    w ->
                        w.write2B(MESSAGE).writeU16(TpmAlgId.SHA256).writeU32(TpmHandle.RH_OWNER)));
    TpmReader in = h.body();
    byte[] digest = in.read2B(64);
    byte[] ticket = in.readBytes(in.remaining());
    assertArrayEquals(DIGEST, digest);
    expect(
        TpmRc.SUCCESS,
        command(TpmCc.SIGN)
            .handle(key)
            .password()
            .params(w -> w.write2B(digest).writeU16(TpmAlgId.NULL).writeBytes(ticket)));
    // The ticket is for that digest only.
    byte[] other = DIGEST.clone();
    other[5] ^= 1;
    expect(
        TpmRc.parameter(TpmRc.TICKET, 3),
        command(TpmCc.SIGN)
            .handle(key)
            .password()
            .params(w -> w.write2B(other).writeU16(TpmAlgId.NULL).writeBytes(ticket)));
  }
}
