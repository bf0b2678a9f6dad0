package io.parasol.tpm.command.object;

import static io.parasol.tpm.TpmCommandBuilder.command;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.parasol.tpm.Hierarchy;
import io.parasol.tpm.TpmAlgId;
import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmHandle;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.TpmResponse;
import io.parasol.tpm.crypto.HashAlgorithm;
import io.parasol.tpm.marshal.Tpm2b;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.object.ObjectGenerator;
import io.parasol.tpm.object.PublicTemplates;
import io.parasol.tpm.object.SensitiveCreate;
import io.parasol.tpm.object.TpmObject;
import io.parasol.tpm.object.TpmaObject;
import io.parasol.tpm.object.TpmtPublic;
import io.parasol.tpm.object.TpmtScheme;
import io.parasol.tpm.object.TpmtSymDefObject;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Part 3 §24.1 TPM2_CreatePrimary, §12.4 TPM2_ReadPublic, §28.4 TPM2_FlushContext of objects. */
class CreatePrimaryTest extends ObjectTestSupport {

  @BeforeEach
  void start() {
    startup();
  }

  @Test
  void rsaStoragePrimaryIsDeterministic() throws Exception {
    Created a = createPrimary(TpmHandle.RH_OWNER, PublicTemplates.rsaStorage(2048));
    assertEquals(256, a.publicArea().unique().length);
    flush(a.handle());
    Created b = createPrimary(TpmHandle.RH_OWNER, PublicTemplates.rsaStorage(2048));
    assertEquals(a.publicArea(), b.publicArea());
    assertArrayEquals(a.name(), b.name());
    // Another hierarchy has another seed.
    Created e = createPrimary(TpmHandle.RH_ENDORSEMENT, PublicTemplates.rsaStorage(2048));
    assertFalse(Arrays.equals(a.publicArea().unique(), e.publicArea().unique()));
  }

  @Test
  void cachedRsaPrimaryIsTheDerivedOneWithItsOwnAuthAndGoesWithItsSeed() throws Exception {
    TpmtPublic t = PublicTemplates.rsaStorage(2048);
    var cache = tpm.state().primaryObjectCache();
    Created a = createPrimary(TpmHandle.RH_ENDORSEMENT, t);
    assertEquals(1, cache.size());
    // What the cache gives back is what the derivation from the seed gives.
    SensitiveCreate empty = new SensitiveCreate(new byte[0], new byte[0]);
    ObjectGenerator.Generated derived =
        ObjectGenerator.generate(
            t, empty, ObjectGenerator.primaryRandom(tpm.state(), Hierarchy.ENDORSEMENT, t, empty));
    Created b = createPrimary(TpmHandle.RH_ENDORSEMENT, t, "pw".getBytes(), new byte[0]);
    assertEquals(1, cache.size());
    assertEquals(derived.publicArea(), a.publicArea());
    assertEquals(derived.publicArea(), b.publicArea());
    TpmObject objectB = (TpmObject) tpm.state().transientObjects().get(b.handle());
    assertArrayEquals("pw".getBytes(), objectB.sensitive().authValue());
    assertArrayEquals(derived.sensitive().seedValue(), objectB.sensitive().seedValue());
    assertArrayEquals(derived.sensitive().sensitive(), objectB.sensitive().sensitive());
    TpmObject objectA = (TpmObject) tpm.state().transientObjects().get(a.handle());
    assertEquals(0, objectA.sensitive().authValue().length);
    // The same template in the owner hierarchy is another key, another entry.
    Created o = createPrimary(TpmHandle.RH_OWNER, t);
    assertFalse(Arrays.equals(a.publicArea().unique(), o.publicArea().unique()));
    assertEquals(2, cache.size());
    // TPM2_ChangeEPS: the endorsement entry goes with the seed, the owner one stays.
    flush(a.handle());
    flush(b.handle());
    flush(o.handle());
    expect(TpmRc.SUCCESS, command(TpmCc.CHANGE_EPS).handle(TpmHandle.RH_PLATFORM).password());
    assertEquals(1, cache.size());
    Created c = createPrimary(TpmHandle.RH_ENDORSEMENT, t);
    assertFalse(Arrays.equals(a.publicArea().unique(), c.publicArea().unique()));
    // TPM2_Clear changes the owner seed.
    flush(c.handle());
    expect(TpmRc.SUCCESS, command(TpmCc.CLEAR).handle(TpmHandle.RH_PLATFORM).password());
    Created o2 = createPrimary(TpmHandle.RH_OWNER, t);
    assertFalse(Arrays.equals(o.publicArea().unique(), o2.publicArea().unique()));
  }

  @Test
  void differentUniqueGivesDifferentKey() throws Exception {
    TpmtPublic t = PublicTemplates.eccStorage(TpmAlgId.ECC_NIST_P256);
    Created a = createPrimary(TpmHandle.RH_OWNER, t);
    Created b = createPrimary(TpmHandle.RH_OWNER, t.withUnique("x".getBytes(), new byte[0]));
    assertEquals(32, a.publicArea().unique().length);
    assertFalse(Arrays.equals(a.publicArea().unique(), b.publicArea().unique()));
    Created c = createPrimary(TpmHandle.RH_OWNER, t);
    assertArrayEquals(a.publicArea().unique(), c.publicArea().unique());
  }

  @Test
  void primaryKeysSurviveRestoreButNullHierarchyDoesNot() throws Exception {
    TpmtPublic t = PublicTemplates.eccStorage(TpmAlgId.ECC_NIST_P384);
    Created owner = createPrimary(TpmHandle.RH_OWNER, t);
    Created nul = createPrimary(TpmHandle.RH_NULL, t);
    tpm = io.parasol.tpm.Tpm.restore(tpm.saveState());
    startup();
    assertEquals(owner.publicArea(), createPrimary(TpmHandle.RH_OWNER, t).publicArea());
    assertNotEquals(nul.publicArea(), createPrimary(TpmHandle.RH_NULL, t).publicArea());
  }

  @Test
  void readPublicGivesNameAndQualifiedName() throws Exception {
    Created a = createPrimary(TpmHandle.RH_OWNER, PublicTemplates.rsaStorage(2048));
    byte[][] rp = readPublic(a.handle());
    TpmtPublic pub = TpmtPublic.parse(rp[0]);
    assertEquals(a.publicArea(), pub);
    byte[] expectedName = concat(new byte[] {0, 0x0B}, HashAlgorithm.SHA256.digest(rp[0]));
    assertArrayEquals(expectedName, rp[1]);
    assertArrayEquals(expectedName, a.name());
    // Part 1 §16.6: QN = nameAlg || H(QN(parent) || Name), QN(hierarchy) = handle.
    byte[] qn =
        concat(
            new byte[] {0, 0x0B},
            HashAlgorithm.SHA256.digest(new byte[] {0x40, 0, 0, 1}, expectedName));
    assertArrayEquals(qn, rp[2]);
  }

  @Test
  void keyedHashAndSymCipherPrimaries() throws Exception {
    Created h = createPrimary(TpmHandle.RH_OWNER, PublicTemplates.hmacKey());
    assertEquals(32, h.publicArea().unique().length);
    Created s = createPrimary(TpmHandle.RH_OWNER, PublicTemplates.symCipher(128, TpmAlgId.CFB));
    assertEquals(32, s.publicArea().unique().length);
    flush(h.handle());
    flush(s.handle());
    expect(
        TpmRc.parameter(TpmRc.HANDLE, 1),
        command(TpmCc.FLUSH_CONTEXT).params(w -> w.writeU32(h.handle())));
    expect(TpmRc.handle(TpmRc.HANDLE, 1), command(TpmCc.READ_PUBLIC).handle(h.handle()));
  }

  @Test
  void keyedHashDerivationParentIsCreatedButNotAParent() throws Exception {
    // tpm2_createprimary -G keyedhash: restricted | decrypt, scheme NULL.
    Created kh =
        createPrimary(
            TpmHandle.RH_OWNER,
            PublicTemplates.sealedData(PublicTemplates.STORAGE_ATTRIBUTES, new byte[0]));
    expect(
        TpmRc.handle(TpmRc.TYPE, 1),
        createCommand(
            kh.handle(), new byte[0], PublicTemplates.hmacKey(), new byte[0], new byte[0]));
  }

  @Test
  void creationDataAndTicket() throws Exception {
    TpmResponse r =
        expect(
            TpmRc.SUCCESS,
            createPrimaryCommand(
                TpmHandle.RH_OWNER, PublicTemplates.rsaStorage(2048), new byte[0], new byte[0]));
    TpmReader in = parametersOf(r, 1);
    TpmtPublic.read2B(in, false);
    byte[] creationData = in.read2B(4096);
    byte[] creationHash = in.read2B(Tpm2b.DIGEST);
    assertArrayEquals(HashAlgorithm.SHA256.digest(creationData), creationHash);
    assertEquals(0x8021, in.readU16());
    assertEquals(TpmHandle.RH_OWNER, in.readU32());
    assertEquals(32, in.read2B(Tpm2b.DIGEST).length);
    TpmReader cd = new TpmReader(creationData);
    assertEquals(0, cd.readU32()); // no PCRs selected
    assertArrayEquals(HashAlgorithm.SHA256.digest(), cd.read2B(64));
    assertEquals(1, cd.readU8()); // locality 0
    assertEquals(TpmAlgId.NULL, cd.readU16());
    assertArrayEquals(new byte[] {0x40, 0, 0, 1}, cd.read2B(66));
  }

  @Test
  void attributeConflictsAreRefused() {
    int storage = PublicTemplates.STORAGE_ATTRIBUTES;
    // fixedTPM without fixedParent.
    expectTemplate(
        TpmRc.parameter(TpmRc.ATTRIBUTES, 2),
        PublicTemplates.rsaStorage(2048).withAttributes(storage & ~TpmaObject.FIXED_PARENT));
    // restricted with sign and decrypt.
    expectTemplate(
        TpmRc.parameter(TpmRc.ATTRIBUTES, 2),
        PublicTemplates.rsaStorage(2048).withAttributes(storage | TpmaObject.SIGN_ENCRYPT));
    // asymmetric key without sensitiveDataOrigin.
    expectTemplate(
        TpmRc.parameter(TpmRc.ATTRIBUTES, 2),
        PublicTemplates.rsaStorage(2048)
            .withAttributes(storage & ~TpmaObject.SENSITIVE_DATA_ORIGIN));
    // reserved bit.
    expectTemplate(
        TpmRc.parameter(TpmRc.RESERVED_BITS, 2),
        PublicTemplates.rsaStorage(2048).withAttributes(storage | 1));
    // storage key without symmetric protection.
    expectTemplate(
        TpmRc.parameter(TpmRc.SYMMETRIC, 2),
        new TpmtPublic(
            TpmAlgId.RSA,
            TpmAlgId.SHA256,
            storage,
            new byte[0],
            new TpmtPublic.RsaParms(TpmtSymDefObject.NULL, TpmtScheme.NULL, 2048, 0),
            new byte[0],
            new byte[0]));
    // restricted signing key without a scheme.
    expectTemplate(
        TpmRc.parameter(TpmRc.SCHEME, 2),
        PublicTemplates.rsaKey(
            2048,
            PublicTemplates.BASE_ATTRIBUTES | TpmaObject.RESTRICTED | TpmaObject.SIGN_ENCRYPT,
            TpmtScheme.NULL));
    // signing key with a decryption scheme.
    expectTemplate(
        TpmRc.parameter(TpmRc.SCHEME, 2),
        PublicTemplates.rsaKey(
            2048,
            PublicTemplates.BASE_ATTRIBUTES | TpmaObject.SIGN_ENCRYPT,
            TpmtScheme.of(TpmAlgId.OAEP, TpmAlgId.SHA256)));
    // authPolicy of the wrong size.
    TpmtPublic t = PublicTemplates.rsaStorage(2048);
    expectTemplate(
        TpmRc.parameter(TpmRc.SIZE, 2),
        new TpmtPublic(
            t.type(),
            t.nameAlg(),
            t.attributes(),
            new byte[20],
            t.parameters(),
            new byte[0],
            new byte[0]));
    // a symmetric cipher key that is not a decryption key.
    expectTemplate(
        TpmRc.parameter(TpmRc.ATTRIBUTES, 2),
        PublicTemplates.symCipher(128, TpmAlgId.CFB)
            .withAttributes(PublicTemplates.BASE_ATTRIBUTES | TpmaObject.SIGN_ENCRYPT));
  }

  @Test
  void unmarshallingErrors() {
    // RSA-1536 is not a TPMI_RSA_KEY_BITS.
    expectTemplate(
        TpmRc.parameter(TpmRc.VALUE, 2),
        PublicTemplates.rsaKey(
            1536, PublicTemplates.BASE_ATTRIBUTES | TpmaObject.DECRYPT, TpmtScheme.NULL));
    // An unknown curve.
    expectTemplate(
        TpmRc.parameter(TpmRc.CURVE, 2), PublicTemplates.eccStorage(TpmAlgId.ECC_BN_P256));
    // A sealed object with data and sensitiveDataOrigin.
    expect(
        TpmRc.parameter(TpmRc.ATTRIBUTES, 2),
        createPrimaryCommand(
            TpmHandle.RH_OWNER,
            PublicTemplates.sealedData(PublicTemplates.BASE_ATTRIBUTES, new byte[0]),
            new byte[0],
            "secret".getBytes()));
    // An authValue longer than the name algorithm's digest.
    expect(
        TpmRc.parameter(TpmRc.SIZE, 1),
        createPrimaryCommand(
            TpmHandle.RH_OWNER, PublicTemplates.rsaStorage(2048), filled(33), new byte[0]));
  }

  @Test
  void wrongHierarchyAuthAndObjectMemory() throws Exception {
    expect(
        TpmRc.SUCCESS,
        command(TpmCc.HIERARCHY_CHANGE_AUTH)
            .handle(TpmHandle.RH_OWNER)
            .password()
            .params(w -> w.write2B("owner".getBytes())));
    expect(
        TpmRc.session(TpmRc.BAD_AUTH, 1),
        createPrimaryCommand(
            TpmHandle.RH_OWNER, PublicTemplates.hmacKey(), new byte[0], new byte[0]));
    for (int i = 0; i < 3; i++) {
      createPrimary(TpmHandle.RH_NULL, PublicTemplates.hmacKey());
    }
    expect(
        TpmRc.OBJECT_MEMORY,
        createPrimaryCommand(
            TpmHandle.RH_NULL, PublicTemplates.hmacKey(), new byte[0], new byte[0]));
  }

  private void expectTemplate(int rc, TpmtPublic template) {
    expect(rc, createPrimaryCommand(TpmHandle.RH_OWNER, template, new byte[0], new byte[0]));
  }

  static byte[] filled(int n) {
    byte[] b = new byte[n];
    Arrays.fill(b, (byte) 0x5A);
    return b;
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
