package io.parasol.tpm.command.attestation;

import static io.parasol.tpm.TpmCommandBuilder.command;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
import io.parasol.tpm.marshal.TpmlPcrSelection;
import io.parasol.tpm.marshal.TpmsPcrSelection;
import io.parasol.tpm.object.ObjectPrivate;
import io.parasol.tpm.object.PublicTemplates;
import io.parasol.tpm.object.TpmaObject;
import io.parasol.tpm.object.TpmtPublic;
import io.parasol.tpm.object.TpmtScheme;
import io.parasol.tpm.object.TpmtSignature;
import java.math.BigInteger;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.RSAPublicKeySpec;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Part 3 §18: quotes, certifications and time attestations, their {@code TPMS_ATTEST} checked field
 * by field and their signatures verified by the JDK; privacy obfuscation; the restricted-key rule
 * that makes {@code TPM_GENERATED_VALUE} meaningful.
 */
class AttestationTest extends ObjectTestSupport {
  static final int AK_ATTRS =
      PublicTemplates.BASE_ATTRIBUTES | TpmaObject.RESTRICTED | TpmaObject.SIGN_ENCRYPT;
  static final TpmtScheme RSASSA_SHA256 = TpmtScheme.of(TpmAlgId.RSASSA, TpmAlgId.SHA256);
  static final byte[] QUALIFYING = "abc".getBytes();

  int srk;
  Created akCreated;
  int ak;

  @BeforeEach
  void start() throws Exception {
    startup();
    srk = createPrimary(TpmHandle.RH_OWNER, PublicTemplates.rsaStorage(2048)).handle();
    akCreated =
        create(
            srk, PublicTemplates.rsaKey(2048, AK_ATTRS, RSASSA_SHA256), new byte[0], new byte[0]);
    ak = load(srk, akCreated);
  }

  /** A signed attestation: the structure, its bytes and its signature. */
  record Attestation(TpmsAttest attest, byte[] bytes, TpmtSignature signature) {}

  static Attestation readAttestation(TpmReader in) throws Exception {
    byte[] bytes = in.read2B(4096);
    TpmtSignature sig = TpmtSignature.read(in);
    return new Attestation(TpmsAttest.parse(bytes), bytes, sig);
  }

  static PublicKey rsaPublic(TpmtPublic pub) throws Exception {
    return KeyFactory.getInstance("RSA")
        .generatePublic(
            new RSAPublicKeySpec(new BigInteger(1, pub.unique()), BigInteger.valueOf(65537)));
  }

  static void assertRsaSignature(TpmtPublic pub, Attestation a) throws Exception {
    assertEquals(TpmAlgId.RSASSA, a.signature().sigAlg());
    Signature jdk = Signature.getInstance("SHA256withRSA");
    jdk.initVerify(rsaPublic(pub));
    jdk.update(a.bytes());
    assertTrue(jdk.verify(a.signature().first()), "JDK verifies the TPM's signature");
  }

  TpmCommandBuilder quoteCommand(int key, byte[] qualifying, TpmlPcrSelection sel) {
    return command(TpmCc.QUOTE)
        .handle(key)
        .password()
        .params(
            w -> {
              w.write2B(qualifying);
              TpmtScheme.NULL.write(w);
              sel.write(w);
            });
  }

  byte[][] pcrRead(TpmlPcrSelection sel) throws Exception {
    TpmResponse r = expect(TpmRc.SUCCESS, command(TpmCc.PCR_READ).params(sel::write));
    TpmReader in = r.body();
    in.readU32(); // update counter
    TpmlPcrSelection.read(in);
    int n = in.readU32();
    byte[][] values = new byte[n][];
    for (int i = 0; i < n; i++) {
      values[i] = in.read2B(64);
    }
    return values;
  }

  @Test
  void quoteSignsThePcrDigestTheCallerComputes() throws Exception {
    expect(
        TpmRc.SUCCESS,
        command(TpmCc.PCR_EXTEND)
            .handle(1)
            .password()
            .params(w -> w.writeU32(1).writeU16(TpmAlgId.SHA256).writeBytes(new byte[32])));
    TpmlPcrSelection sel =
        new TpmlPcrSelection(List.of(TpmsPcrSelection.of(TpmAlgId.SHA256, 0, 1, 7)));
    byte[][] values = pcrRead(sel);
    assertEquals(3, values.length);
    byte[] expectedDigest = HashAlgorithm.SHA256.digest(values[0], values[1], values[2]);

    Attestation a =
        readAttestation(parametersOf(expect(TpmRc.SUCCESS, quoteCommand(ak, QUALIFYING, sel)), 0));
    TpmsAttest attest = a.attest();
    assertEquals(TpmsAttest.TPM_GENERATED_VALUE, attest.magic());
    assertEquals(TpmSt.ATTEST_QUOTE, attest.type());
    assertArrayEquals(QUALIFYING, attest.extraData());
    assertArrayEquals(readPublic(ak)[2], attest.qualifiedSigner());
    TpmsAttest.QuoteInfo q = assertInstanceOf(TpmsAttest.QuoteInfo.class, attest.attested());
    assertEquals(sel, q.pcrSelect());
    assertArrayEquals(expectedDigest, q.pcrDigest());
    assertRsaSignature(akCreated.publicArea(), a);

    // A PCR change changes the quote.
    expect(
        TpmRc.SUCCESS,
        command(TpmCc.PCR_EXTEND)
            .handle(7)
            .password()
            .params(w -> w.writeU32(1).writeU16(TpmAlgId.SHA256).writeBytes(new byte[32])));
    Attestation b =
        readAttestation(parametersOf(expect(TpmRc.SUCCESS, quoteCommand(ak, QUALIFYING, sel)), 0));
    assertFalse(
        java.util.Arrays.equals(
            expectedDigest, ((TpmsAttest.QuoteInfo) b.attest().attested()).pcrDigest()));
  }

  @Test
  void keysOutsideTheEndorsementHierarchyObfuscateCounters() throws Exception {
    TpmlPcrSelection sel = new TpmlPcrSelection(List.of(TpmsPcrSelection.of(TpmAlgId.SHA256, 0)));
    TpmsAttest owner =
        readAttestation(parametersOf(expect(TpmRc.SUCCESS, quoteCommand(ak, QUALIFYING, sel)), 0))
            .attest();
    // resetCount is 1 after the first Startup; the owner key sees it offset by a per-key value.
    int actualReset = tpm.state().resetCount();
    assertNotEquals(actualReset, owner.clockInfo().resetCount());
    assertNotEquals(AttestationSigner.FIRMWARE_VERSION, owner.firmwareVersion());
    // The same key sees the same offsets (so changes stay visible).
    TpmsAttest again =
        readAttestation(parametersOf(expect(TpmRc.SUCCESS, quoteCommand(ak, QUALIFYING, sel)), 0))
            .attest();
    assertEquals(owner.clockInfo().resetCount(), again.clockInfo().resetCount());
    assertEquals(owner.firmwareVersion(), again.firmwareVersion());

    // An endorsement-hierarchy key sees the real values.
    flush(ak);
    int ek =
        createPrimary(
                TpmHandle.RH_ENDORSEMENT, PublicTemplates.rsaKey(2048, AK_ATTRS, RSASSA_SHA256))
            .handle();
    TpmsAttest endorsement =
        readAttestation(parametersOf(expect(TpmRc.SUCCESS, quoteCommand(ek, QUALIFYING, sel)), 0))
            .attest();
    assertEquals(actualReset, endorsement.clockInfo().resetCount());
    assertEquals(tpm.state().restartCount(), endorsement.clockInfo().restartCount());
    assertEquals(AttestationSigner.FIRMWARE_VERSION, endorsement.firmwareVersion());
  }

  @Test
  void firmwareVersionMatchesGetCapability() throws Exception {
    // TPM_CAP_TPM_PROPERTIES from TPM_PT_FIRMWARE_VERSION_1 (0x10B), two properties.
    TpmResponse r =
        expect(
            TpmRc.SUCCESS,
            command(TpmCc.GET_CAPABILITY).params(w -> w.writeU32(6).writeU32(0x10B).writeU32(2)));
    TpmReader in = r.body();
    in.readU8();
    in.readU32();
    assertEquals(2, in.readU32());
    assertEquals(0x10B, in.readU32());
    long v1 = in.readU32() & 0xFFFFFFFFL;
    assertEquals(0x10C, in.readU32());
    long v2 = in.readU32() & 0xFFFFFFFFL;
    assertEquals((v1 << 32) | v2, AttestationSigner.FIRMWARE_VERSION);
  }

  @Test
  void restrictedKeyRefusesExternalDataThatLooksGenerated() throws Exception {
    TpmlPcrSelection sel = new TpmlPcrSelection(List.of(TpmsPcrSelection.of(TpmAlgId.SHA256, 0)));
    Attestation a =
        readAttestation(parametersOf(expect(TpmRc.SUCCESS, quoteCommand(ak, QUALIFYING, sel)), 0));
    // Forging: hash a structure that starts with TPM_GENERATED_VALUE outside the TPM...
    TpmResponse h = expect(TpmRc.SUCCESS, hashCommand(a.bytes()));
    TpmReader in = h.body();
    byte[] digest = in.read2B(64);
    assertEquals(TpmSt.HASHCHECK, in.readU16());
    assertEquals(TpmHandle.RH_NULL, in.readU32(), "no ticket for data starting with the magic");
    assertEquals(0, in.read2B(64).length);
    // ...and the AK refuses to sign it.
    expect(
        TpmRc.parameter(TpmRc.TICKET, 3), signCommand(ak, digest, TpmHandle.RH_NULL, new byte[0]));

    // Data that does not start with the magic gets a ticket and is signed.
    byte[] plain = "ordinary data".getBytes();
    TpmReader ok = expect(TpmRc.SUCCESS, hashCommand(plain)).body();
    byte[] d2 = ok.read2B(64);
    ok.readU16();
    int hierarchy = ok.readU32();
    byte[] ticket = ok.read2B(64);
    expect(TpmRc.SUCCESS, signCommand(ak, d2, hierarchy, ticket));
  }

  static TpmCommandBuilder hashCommand(byte[] data) {
    return command(TpmCc.HASH)
        .params(w -> w.write2B(data).writeU16(TpmAlgId.SHA256).writeU32(TpmHandle.RH_OWNER));
  }

  static TpmCommandBuilder signCommand(int key, byte[] digest, int hierarchy, byte[] ticket) {
    return command(TpmCc.SIGN)
        .handle(key)
        .password()
        .params(
            w -> {
              w.write2B(digest);
              TpmtScheme.NULL.write(w);
              w.writeU16(TpmSt.HASHCHECK).writeU32(hierarchy).write2B(ticket);
            });
  }

  @Test
  void certifyReportsNameAndQualifiedName() throws Exception {
    byte[][] srkPublic = readPublic(srk);
    TpmResponse r =
        expect(
            TpmRc.SUCCESS,
            command(TpmCc.CERTIFY)
                .handle(srk)
                .handle(ak)
                .password()
                .password()
                .params(
                    w -> {
                      w.write2B(QUALIFYING);
                      TpmtScheme.NULL.write(w);
                    }));
    Attestation a = readAttestation(parametersOf(r, 0));
    assertEquals(TpmSt.ATTEST_CERTIFY, a.attest().type());
    TpmsAttest.CertifyInfo info =
        assertInstanceOf(TpmsAttest.CertifyInfo.class, a.attest().attested());
    assertArrayEquals(srkPublic[1], info.name());
    assertArrayEquals(srkPublic[2], info.qualifiedName());
    assertArrayEquals(readPublic(ak)[2], a.attest().qualifiedSigner());
    assertRsaSignature(akCreated.publicArea(), a);

    // TPM_RH_NULL as signer: the same structure, a NULL signature.
    TpmResponse unsigned =
        expect(
            TpmRc.SUCCESS,
            command(TpmCc.CERTIFY)
                .handle(srk)
                .handle(TpmHandle.RH_NULL)
                .password()
                .password()
                .params(
                    w -> {
                      w.write2B(new byte[0]);
                      TpmtScheme.NULL.write(w);
                    }));
    Attestation u = readAttestation(parametersOf(unsigned, 0));
    assertEquals(TpmAlgId.NULL, u.signature().sigAlg());
    assertArrayEquals(new byte[] {0x40, 0, 0, 7}, u.attest().qualifiedSigner());

    // A storage key is not a signing key; a scheme that does not fit the key is refused.
    expect(
        TpmRc.handle(TpmRc.KEY, 2),
        command(TpmCc.CERTIFY)
            .handle(ak)
            .handle(srk)
            .password()
            .password()
            .params(
                w -> {
                  w.write2B(new byte[0]);
                  TpmtScheme.NULL.write(w);
                }));
    expect(
        TpmRc.parameter(TpmRc.SCHEME, 2),
        command(TpmCc.CERTIFY)
            .handle(srk)
            .handle(ak)
            .password()
            .password()
            .params(
                w -> {
                  w.write2B(new byte[0]);
                  TpmtScheme.of(TpmAlgId.RSAPSS, TpmAlgId.SHA256).write(w);
                }));
  }

  @Test
  void certifyCreationChecksTheTicket() throws Exception {
    TpmResponse c =
        expect(
            TpmRc.SUCCESS,
            createCommand(srk, new byte[0], PublicTemplates.hmacKey(), new byte[0], new byte[0]));
    TpmReader in = parametersOf(c, 0);
    byte[] priv = in.read2B(ObjectPrivate.MAX_SIZE);
    TpmtPublic pub = TpmtPublic.read2B(in, false);
    byte[] creationData = in.read2B(4096);
    byte[] creationHash = in.read2B(Tpm2b.DIGEST);
    int tag = in.readU16();
    int hierarchy = in.readU32();
    byte[] ticket = in.read2B(Tpm2b.DIGEST);
    assertEquals(TpmSt.CREATION, tag);
    assertArrayEquals(HashAlgorithm.SHA256.digest(creationData), creationHash);
    flush(ak);
    int obj = load(srk, new Created(0, pub, priv, pub.name()));
    ak = load(srk, akCreated);

    TpmResponse r = expect(TpmRc.SUCCESS, certifyCreation(obj, creationHash, hierarchy, ticket));
    Attestation a = readAttestation(parametersOf(r, 0));
    TpmsAttest.CreationInfo info =
        assertInstanceOf(TpmsAttest.CreationInfo.class, a.attest().attested());
    assertArrayEquals(pub.name(), info.objectName());
    assertArrayEquals(creationHash, info.creationHash());
    assertRsaSignature(akCreated.publicArea(), a);

    byte[] otherHash = creationHash.clone();
    otherHash[0] ^= 1;
    expect(TpmRc.parameter(TpmRc.TICKET, 4), certifyCreation(obj, otherHash, hierarchy, ticket));
  }

  TpmCommandBuilder certifyCreation(int obj, byte[] creationHash, int hierarchy, byte[] ticket) {
    return command(TpmCc.CERTIFY_CREATION)
        .handle(ak)
        .handle(obj)
        .password()
        .params(
            w -> {
              w.write2B(QUALIFYING).write2B(creationHash);
              TpmtScheme.NULL.write(w);
              w.writeU16(TpmSt.CREATION).writeU32(hierarchy).write2B(ticket);
            });
  }

  @Test
  void getTimeNeedsThePrivacyAdministrator() throws Exception {
    millis.addAndGet(5_000);
    TpmResponse r =
        expect(
            TpmRc.SUCCESS,
            command(TpmCc.GET_TIME)
                .handle(TpmHandle.RH_ENDORSEMENT)
                .handle(ak)
                .password()
                .password()
                .params(
                    w -> {
                      w.write2B(QUALIFYING);
                      TpmtScheme.NULL.write(w);
                    }));
    Attestation a = readAttestation(parametersOf(r, 0));
    TpmsAttest.TimeAttestInfo t =
        assertInstanceOf(TpmsAttest.TimeAttestInfo.class, a.attest().attested());
    assertTrue(t.time().time() >= 5_000, "time since Startup");
    assertEquals(tpm.state().resetCount(), t.time().clockInfo().resetCount(), "in plain text");
    assertEquals(AttestationSigner.FIRMWARE_VERSION, t.firmwareVersion());
    assertRsaSignature(akCreated.publicArea(), a);

    expect(
        TpmRc.session(TpmRc.BAD_AUTH, 1),
        command(TpmCc.GET_TIME)
            .handle(TpmHandle.RH_ENDORSEMENT)
            .handle(ak)
            .password("wrong".getBytes())
            .password()
            .params(
                w -> {
                  w.write2B(new byte[0]);
                  TpmtScheme.NULL.write(w);
                }));
  }

  static byte[] marshalled(java.util.function.Consumer<TpmWriter> w) {
    TpmWriter out = new TpmWriter();
    w.accept(out);
    return out.toByteArray();
  }
}
