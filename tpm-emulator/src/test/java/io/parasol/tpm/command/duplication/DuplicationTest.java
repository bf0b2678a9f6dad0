package io.parasol.tpm.command.duplication;

import static io.parasol.tpm.TpmCommandBuilder.command;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parasol.tpm.TpmAlgId;
import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmCommandBuilder;
import io.parasol.tpm.TpmHandle;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.TpmResponse;
import io.parasol.tpm.TpmSt;
import io.parasol.tpm.command.object.ObjectTestSupport;
import io.parasol.tpm.crypto.HashAlgorithm;
import io.parasol.tpm.marshal.Tpm2b;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;
import io.parasol.tpm.object.ObjectPrivate;
import io.parasol.tpm.object.PublicTemplates;
import io.parasol.tpm.object.TpmaObject;
import io.parasol.tpm.object.TpmtPublic;
import io.parasol.tpm.object.TpmtScheme;
import io.parasol.tpm.object.TpmtSignature;
import io.parasol.tpm.object.TpmtSymDefObject;
import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Part 3 §13: an ECDSA key duplicated from one parent, with and without an inner wrapper, imported
 * under another and used there; TPM2_Rewrap; the DUP role, integrity and attribute errors.
 */
class DuplicationTest extends ObjectTestSupport {
  /** {@code TPM2_PolicyCommandCode(TPM_CC_Duplicate)} from an empty SHA-256 digest. */
  static final byte[] DUP_POLICY =
      HashAlgorithm.SHA256.digest(
          new byte[32], u32(TpmCc.POLICY_COMMAND_CODE), u32(TpmCc.DUPLICATE));

  static final byte[] MESSAGE = "signed after import".getBytes();

  private int srk;
  private Created key;
  private int keyHandle;

  static byte[] u32(int v) {
    return new TpmWriter().writeU32(v).toByteArray();
  }

  static TpmtPublic duplicableKey(int attributes) {
    TpmtPublic t =
        PublicTemplates.eccKey(
            TpmAlgId.ECC_NIST_P256, attributes, TpmtScheme.of(TpmAlgId.ECDSA, TpmAlgId.SHA256));
    return new TpmtPublic(
        t.type(), t.nameAlg(), attributes, DUP_POLICY, t.parameters(), t.unique(), t.uniqueY());
  }

  @BeforeEach
  void start() throws Exception {
    startup();
    srk = createPrimary(TpmHandle.RH_OWNER, PublicTemplates.rsaStorage(2048)).handle();
    key =
        create(
            srk,
            duplicableKey(
                TpmaObject.SENSITIVE_DATA_ORIGIN
                    | TpmaObject.USER_WITH_AUTH
                    | TpmaObject.SIGN_ENCRYPT),
            new byte[0],
            new byte[0]);
    keyHandle = load(srk, key);
  }

  /** A policy session that has run TPM2_PolicyCommandCode(TPM_CC_Duplicate). */
  int duplicationSession() throws Exception {
    TpmResponse r =
        expect(
            TpmRc.SUCCESS,
            command(TpmCc.START_AUTH_SESSION)
                .handle(TpmHandle.RH_NULL)
                .handle(TpmHandle.RH_NULL)
                .params(
                    w ->
                        w.write2B(new byte[16])
                            .write2B(new byte[0])
                            .writeU8(1)
                            .writeU16(TpmAlgId.NULL)
                            .writeU16(TpmAlgId.SHA256)));
    int s = r.body().readU32();
    expect(
        TpmRc.SUCCESS,
        command(TpmCc.POLICY_COMMAND_CODE).handle(s).params(w -> w.writeU32(TpmCc.DUPLICATE)));
    return s;
  }

  /** encryptionKeyOut, duplicate, outSymSeed. */
  record Duplicated(byte[] keyOut, byte[] duplicate, byte[] symSeed) {}

  TpmCommandBuilder duplicateCommand(
      int object, int newParent, int session, byte[] keyIn, TpmtSymDefObject sym) {
    return command(TpmCc.DUPLICATE)
        .handle(object)
        .handle(newParent)
        .session(session, new byte[16], 0, new byte[0])
        .params(
            w -> {
              w.write2B(keyIn);
              sym.write(w);
            });
  }

  Duplicated duplicate(int newParent, byte[] keyIn, TpmtSymDefObject sym) throws Exception {
    TpmReader in =
        parametersOf(
            expect(
                TpmRc.SUCCESS,
                duplicateCommand(keyHandle, newParent, duplicationSession(), keyIn, sym)),
            0);
    return new Duplicated(
        in.read2B(Tpm2b.DATA), in.read2B(ObjectPrivate.MAX_SIZE), in.read2B(1024));
  }

  TpmCommandBuilder importCommand(
      int parent, byte[] encKey, byte[] dup, byte[] seed, TpmtSymDefObject sym) {
    return command(TpmCc.IMPORT)
        .handle(parent)
        .password()
        .params(
            w -> {
              w.write2B(encKey);
              key.publicArea().write2B(w);
              w.write2B(dup).write2B(seed);
              sym.write(w);
            });
  }

  /** Imports under {@code parent}, loads and signs with the result; the JDK checks it. */
  void importLoadAndSign(int parent, byte[] encKey, Duplicated d, TpmtSymDefObject sym)
      throws Exception {
    byte[] outPrivate =
        parametersOf(
                expect(
                    TpmRc.SUCCESS, importCommand(parent, encKey, d.duplicate(), d.symSeed(), sym)),
                0)
            .read2B(ObjectPrivate.MAX_SIZE);
    int imported = load(parent, new Created(0, key.publicArea(), outPrivate, key.name()));
    byte[] digest = HashAlgorithm.SHA256.digest(MESSAGE);
    TpmResponse r =
        expect(
            TpmRc.SUCCESS,
            command(TpmCc.SIGN)
                .handle(imported)
                .password()
                .params(
                    w -> {
                      w.write2B(digest);
                      TpmtScheme.NULL.write(w);
                      w.writeU16(TpmSt.HASHCHECK).writeU32(TpmHandle.RH_NULL).write2B(new byte[0]);
                    }));
    TpmtSignature sig = TpmtSignature.read(parametersOf(r, 0));
    AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
    params.init(new ECGenParameterSpec("secp256r1"));
    PublicKey pub =
        KeyFactory.getInstance("EC")
            .generatePublic(
                new ECPublicKeySpec(
                    new ECPoint(
                        new BigInteger(1, key.publicArea().unique()),
                        new BigInteger(1, key.publicArea().uniqueY())),
                    params.getParameterSpec(ECParameterSpec.class)));
    Signature jdk = Signature.getInstance("SHA256withECDSAinP1363Format");
    jdk.initVerify(pub);
    jdk.update(MESSAGE);
    assertTrue(
        jdk.verify(new TpmWriter().writeBytes(sig.first()).writeBytes(sig.second()).toByteArray()));
  }

  @Test
  void outerWrapOnlyUnderAnEccParent() throws Exception {
    int newParent =
        createPrimary(TpmHandle.RH_OWNER, PublicTemplates.eccStorage(TpmAlgId.ECC_NIST_P256))
            .handle();
    Duplicated d = duplicate(newParent, new byte[0], TpmtSymDefObject.NULL);
    assertEquals(0, d.keyOut().length);
    flush(keyHandle);
    flush(srk);
    importLoadAndSign(newParent, new byte[0], d, TpmtSymDefObject.NULL);
  }

  /** An RSA storage primary other than the SRK (its unique field seeds a different key). */
  static TpmtPublic otherRsaStorage() {
    TpmtPublic t = PublicTemplates.rsaStorage(2048);
    return new TpmtPublic(
        t.type(),
        t.nameAlg(),
        t.attributes(),
        t.authPolicy(),
        t.parameters(),
        "other".getBytes(),
        new byte[0]);
  }

  @Test
  void innerWrapWithTpmMadeKeyUnderAnRsaParent() throws Exception {
    int newParent = createPrimary(TpmHandle.RH_OWNER, otherRsaStorage()).handle();
    Duplicated d = duplicate(newParent, new byte[0], TpmtSymDefObject.AES_128_CFB);
    assertEquals(16, d.keyOut().length, "the TPM made the inner key and returns it");
    flush(keyHandle);
    flush(srk);
    // The wrong inner key fails the inner integrity check.
    byte[] wrong = d.keyOut().clone();
    wrong[0] ^= 1;
    expect(
        TpmRc.parameter(TpmRc.INTEGRITY, 3),
        importCommand(newParent, wrong, d.duplicate(), d.symSeed(), TpmtSymDefObject.AES_128_CFB));
    // A modified blob fails the outer integrity check.
    byte[] tampered = d.duplicate().clone();
    tampered[tampered.length - 1] ^= 1;
    expect(
        TpmRc.parameter(TpmRc.INTEGRITY, 3),
        importCommand(newParent, d.keyOut(), tampered, d.symSeed(), TpmtSymDefObject.AES_128_CFB));
    importLoadAndSign(newParent, d.keyOut(), d, TpmtSymDefObject.AES_128_CFB);
  }

  @Test
  void innerWrapWithCallersKey() throws Exception {
    int newParent =
        createPrimary(TpmHandle.RH_OWNER, PublicTemplates.eccStorage(TpmAlgId.ECC_NIST_P256))
            .handle();
    byte[] callerKey = new byte[16];
    callerKey[3] = 7;
    expect(
        TpmRc.parameter(TpmRc.SIZE, 1),
        duplicateCommand(
            keyHandle,
            newParent,
            duplicationSession(),
            new byte[15],
            TpmtSymDefObject.AES_128_CFB));
    Duplicated d = duplicate(newParent, callerKey, TpmtSymDefObject.AES_128_CFB);
    assertEquals(0, d.keyOut().length, "the caller's key is not echoed");
    flush(keyHandle);
    flush(srk);
    importLoadAndSign(newParent, callerKey, d, TpmtSymDefObject.AES_128_CFB);
  }

  @Test
  void rewrapFromTheClearToANewParent() throws Exception {
    Duplicated clear = duplicate(TpmHandle.RH_NULL, new byte[0], TpmtSymDefObject.NULL);
    assertEquals(0, clear.symSeed().length);
    flush(keyHandle);
    flush(srk);
    int newParent =
        createPrimary(TpmHandle.RH_OWNER, PublicTemplates.eccStorage(TpmAlgId.ECC_NIST_P256))
            .handle();
    // A seed without an old parent is refused.
    TpmCommandBuilder bad =
        command(TpmCc.REWRAP)
            .handle(TpmHandle.RH_NULL)
            .handle(newParent)
            .password()
            .params(w -> w.write2B(clear.duplicate()).write2B(key.name()).write2B(new byte[4]));
    expect(TpmRc.handle(TpmRc.HANDLE, 1), bad);
    TpmResponse r =
        expect(
            TpmRc.SUCCESS,
            command(TpmCc.REWRAP)
                .handle(TpmHandle.RH_NULL)
                .handle(newParent)
                .password()
                .params(
                    w -> w.write2B(clear.duplicate()).write2B(key.name()).write2B(new byte[0])));
    TpmReader in = parametersOf(r, 0);
    Duplicated wrapped =
        new Duplicated(new byte[0], in.read2B(ObjectPrivate.MAX_SIZE), in.read2B(1024));
    assertTrue(wrapped.symSeed().length > 0);
    importLoadAndSign(newParent, new byte[0], wrapped, TpmtSymDefObject.NULL);
  }

  @Test
  void duplicationNeedsAPolicyAndAMovableObject() throws Exception {
    int newParent =
        createPrimary(TpmHandle.RH_OWNER, PublicTemplates.eccStorage(TpmAlgId.ECC_NIST_P256))
            .handle();
    // The DUP role: a password is not enough.
    expect(
        TpmRc.session(TpmRc.AUTH_TYPE, 1),
        command(TpmCc.DUPLICATE)
            .handle(keyHandle)
            .handle(newParent)
            .password()
            .params(
                w -> {
                  w.write2B(new byte[0]);
                  TpmtSymDefObject.NULL.write(w);
                }));
    // A storage key is the only kind of new parent.
    flush(newParent);
    Created signer =
        create(
            srk,
            PublicTemplates.rsaKey(
                2048,
                PublicTemplates.BASE_ATTRIBUTES | TpmaObject.SIGN_ENCRYPT,
                TpmtScheme.of(TpmAlgId.RSASSA, TpmAlgId.SHA256)),
            new byte[0],
            new byte[0]);
    int signerHandle = load(srk, signer);
    expect(
        TpmRc.handle(TpmRc.TYPE, 2),
        duplicateCommand(
            keyHandle, signerHandle, duplicationSession(), new byte[0], TpmtSymDefObject.NULL));
    flush(signerHandle);
    flush(keyHandle);
    // fixedParent objects cannot move.
    Created fixed =
        create(
            srk,
            duplicableKey(PublicTemplates.BASE_ATTRIBUTES | TpmaObject.SIGN_ENCRYPT),
            new byte[0],
            new byte[0]);
    int fixedHandle = load(srk, fixed);
    expect(
        TpmRc.handle(TpmRc.ATTRIBUTES, 1),
        duplicateCommand(
            fixedHandle,
            TpmHandle.RH_NULL,
            duplicationSession(),
            new byte[0],
            TpmtSymDefObject.NULL));
  }
}
