package io.parasol.tpm.command.object;

import static io.parasol.tpm.TpmCommandBuilder.command;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.parasol.tpm.TpmAlgId;
import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmHandle;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.TpmResponse;
import io.parasol.tpm.marshal.Tpm2b;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.object.ObjectPrivate;
import io.parasol.tpm.object.PublicTemplates;
import io.parasol.tpm.object.TpmaObject;
import io.parasol.tpm.object.TpmtPublic;
import io.parasol.tpm.object.TpmtScheme;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Part 3 §12.1 TPM2_Create, §12.2 TPM2_Load, §12.3 TPM2_LoadExternal, §12.7 ObjectChangeAuth, §12.8
 * Unseal, §12.9 CreateLoaded.
 */
class CreateLoadTest extends ObjectTestSupport {
  private static final int SEAL_ATTRS =
      TpmaObject.FIXED_TPM | TpmaObject.FIXED_PARENT | TpmaObject.USER_WITH_AUTH;
  private int srk;

  @BeforeEach
  void start() throws Exception {
    startup();
    srk = createPrimary(TpmHandle.RH_OWNER, PublicTemplates.rsaStorage(2048)).handle();
  }

  private TpmResponse unseal(int handle, byte[] auth) {
    return run(command(TpmCc.UNSEAL).handle(handle).password(auth));
  }

  @Test
  void sealAndUnseal() throws Exception {
    byte[] secret = "the sealed secret".getBytes();
    Created c =
        create(srk, PublicTemplates.sealedData(SEAL_ATTRS, new byte[0]), "pw".getBytes(), secret);
    int h = load(srk, c);
    assertEquals(TpmHandle.TRANSIENT_FIRST + 1, h);
    TpmResponse r = unseal(h, "pw".getBytes());
    assertEquals(TpmRc.SUCCESS, r.rc());
    assertArrayEquals(secret, parametersOf(r, 0).read2B(128));
    assertEquals(TpmRc.session(TpmRc.AUTH_FAIL, 1), unseal(h, "wrong".getBytes()).rc());
  }

  @Test
  void loadedNameMatchesPublicArea() throws Exception {
    Created c =
        create(
            srk,
            PublicTemplates.eccKey(
                TpmAlgId.ECC_NIST_P256,
                PublicTemplates.BASE_ATTRIBUTES | TpmaObject.SIGN_ENCRYPT,
                TpmtScheme.of(TpmAlgId.ECDSA, TpmAlgId.SHA256)),
            new byte[0],
            new byte[0]);
    TpmResponse r = expect(TpmRc.SUCCESS, loadCommand(srk, c.privateArea(), c.publicArea()));
    int h = r.body().readU32();
    assertArrayEquals(c.publicArea().name(), parametersOf(r, 1).read2B(Tpm2b.NAME));
    byte[][] rp = readPublic(h);
    assertArrayEquals(c.publicArea().marshal(), rp[0]);
    // QN chains through the SRK's QN.
    byte[] srkQn = readPublic(srk)[2];
    assertArrayEquals(io.parasol.tpm.object.TpmObject.qualifiedName(srkQn, c.publicArea()), rp[2]);
  }

  @Test
  void tamperedPrivateIsIntegrityError() throws Exception {
    Created c = create(srk, PublicTemplates.hmacKey(), new byte[0], new byte[0]);
    byte[] priv = c.privateArea();
    priv[priv.length - 1] ^= 1;
    expect(TpmRc.parameter(TpmRc.INTEGRITY, 1), loadCommand(srk, priv, c.publicArea()));
    // The same private area with another public area: another Name, so integrity fails too.
    Created d = create(srk, PublicTemplates.hmacKey(), new byte[0], new byte[0]);
    expect(TpmRc.parameter(TpmRc.INTEGRITY, 1), loadCommand(srk, c.privateArea(), d.publicArea()));
    // Under another parent.
    int other = createPrimary(TpmHandle.RH_ENDORSEMENT, PublicTemplates.rsaStorage(2048)).handle();
    expect(
        TpmRc.parameter(TpmRc.INTEGRITY, 1), loadCommand(other, c.privateArea(), c.publicArea()));
  }

  @Test
  void parentMustBeStorageKey() throws Exception {
    int hmac = createAndLoad(srk, PublicTemplates.hmacKey(), new byte[0], new byte[0]);
    expect(
        TpmRc.handle(TpmRc.TYPE, 1),
        createCommand(hmac, new byte[0], PublicTemplates.hmacKey(), new byte[0], new byte[0]));
  }

  @Test
  void childOfFixedTpmParentMustMatchFixedParent() {
    expect(
        TpmRc.parameter(TpmRc.ATTRIBUTES, 2),
        createCommand(
            srk,
            new byte[0],
            PublicTemplates.hmacKey()
                .withAttributes(
                    (PublicTemplates.BASE_ATTRIBUTES | TpmaObject.SIGN_ENCRYPT)
                        & ~TpmaObject.FIXED_TPM),
            new byte[0],
            new byte[0]));
  }

  @Test
  void changeAuth() throws Exception {
    byte[] secret = {1, 2, 3};
    Created c =
        create(srk, PublicTemplates.sealedData(SEAL_ATTRS, new byte[0]), "old".getBytes(), secret);
    int h = load(srk, c);
    TpmResponse r =
        expect(
            TpmRc.SUCCESS,
            command(TpmCc.OBJECT_CHANGE_AUTH)
                .handle(h)
                .handle(srk)
                .password("old".getBytes())
                .params(w -> w.write2B("new".getBytes())));
    byte[] newPriv = parametersOf(r, 0).read2B(ObjectPrivate.MAX_SIZE);
    assertFalse(Arrays.equals(newPriv, c.privateArea()));
    flush(h);
    int h2 = load(srk, new Created(0, c.publicArea(), newPriv, c.name()));
    assertEquals(TpmRc.session(TpmRc.AUTH_FAIL, 1), unseal(h2, "old".getBytes()).rc());
    assertEquals(TpmRc.SUCCESS, unseal(h2, "new".getBytes()).rc());
    // The wrong parent.
    int other = createPrimary(TpmHandle.RH_OWNER, PublicTemplates.eccStorage(3)).handle();
    expect(
        TpmRc.handle(TpmRc.TYPE, 2),
        command(TpmCc.OBJECT_CHANGE_AUTH)
            .handle(h2)
            .handle(other)
            .password("new".getBytes())
            .params(w -> w.write2B("x".getBytes())));
  }

  @Test
  void unsealRefusesKeys() throws Exception {
    int hmac = createAndLoad(srk, PublicTemplates.hmacKey(), new byte[0], new byte[0]);
    assertEquals(TpmRc.handle(TpmRc.ATTRIBUTES, 1), unseal(hmac, new byte[0]).rc());
    assertEquals(TpmRc.handle(TpmRc.TYPE, 1), unseal(srk, new byte[0]).rc());
  }

  @Test
  void createLoadedUnderParentAndHierarchy() throws Exception {
    TpmResponse r =
        expect(
            TpmRc.SUCCESS,
            command(TpmCc.CREATE_LOADED)
                .handle(srk)
                .password()
                .params(
                    w -> {
                      sensitiveCreate(w, new byte[0], "data".getBytes());
                      PublicTemplates.sealedData(SEAL_ATTRS, new byte[0]).write2B(w);
                    }));
    int h = r.body().readU32();
    TpmReader in = parametersOf(r, 1);
    byte[] priv = in.read2B(ObjectPrivate.MAX_SIZE);
    TpmtPublic pub = TpmtPublic.read2B(in, false);
    assertArrayEquals(pub.name(), in.read2B(Tpm2b.NAME));
    assertArrayEquals("data".getBytes(), parametersOf(unseal(h, new byte[0]), 0).read2B(128));
    flush(h);
    load(srk, new Created(0, pub, priv, pub.name()));

    TpmResponse p =
        expect(
            TpmRc.SUCCESS,
            command(TpmCc.CREATE_LOADED)
                .handle(TpmHandle.RH_OWNER)
                .password()
                .params(
                    w -> {
                      sensitiveCreate(w, new byte[0], new byte[0]);
                      PublicTemplates.rsaStorage(2048).write2B(w);
                    }));
    TpmReader pin = parametersOf(p, 1);
    assertEquals(0, pin.read2B(ObjectPrivate.MAX_SIZE).length);
    // The same key as CreatePrimary with the same template.
    assertEquals(readPublic(srk)[0].length, pin.read2B(4096).length);
  }

  @Test
  void loadExternalPublicAndPrivate() throws Exception {
    TpmtPublic pub = readPublicOf(srk);
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
    int h = r.body().readU32();
    assertArrayEquals(pub.name(), readPublic(h)[1]);
    // An external public storage key is not a parent.
    expect(
        TpmRc.handle(TpmRc.TYPE, 1),
        createCommand(h, new byte[0], PublicTemplates.hmacKey(), new byte[0], new byte[0]));
    // A sensitive area may only be loaded into the null hierarchy, and not fixedTPM.
    byte[] key = new byte[16];
    expect(
        TpmRc.parameter(TpmRc.ATTRIBUTES, 2),
        command(TpmCc.LOAD_EXTERNAL)
            .params(
                w -> {
                  int m = w.beginSized();
                  w.writeU16(TpmAlgId.SYMCIPHER).write2B(new byte[0]).write2B(new byte[32]);
                  w.write2B(key);
                  w.endSized(m);
                  PublicTemplates.symCipher(128, TpmAlgId.CFB).write2B(w);
                  w.writeU32(TpmHandle.RH_NULL);
                }));
    expect(
        TpmRc.parameter(TpmRc.HIERARCHY, 3),
        command(TpmCc.LOAD_EXTERNAL)
            .params(
                w -> {
                  int m = w.beginSized();
                  w.writeU16(TpmAlgId.SYMCIPHER).write2B(new byte[0]).write2B(new byte[32]);
                  w.write2B(key);
                  w.endSized(m);
                  PublicTemplates.symCipher(128, TpmAlgId.CFB)
                      .withAttributes(
                          TpmaObject.USER_WITH_AUTH | TpmaObject.DECRYPT | TpmaObject.SIGN_ENCRYPT)
                      .write2B(w);
                  w.writeU32(TpmHandle.RH_OWNER);
                }));
  }

  private TpmtPublic readPublicOf(int handle) throws Exception {
    return TpmtPublic.parse(readPublic(handle)[0]);
  }
}
