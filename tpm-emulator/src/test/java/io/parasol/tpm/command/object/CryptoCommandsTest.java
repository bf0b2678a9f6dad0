package io.parasol.tpm.command.object;

import static io.parasol.tpm.TpmCommandBuilder.command;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.parasol.tpm.TpmAlgId;
import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmHandle;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.TpmResponse;
import io.parasol.tpm.crypto.Ecc;
import io.parasol.tpm.crypto.EccCurve;
import io.parasol.tpm.crypto.HashAlgorithm;
import io.parasol.tpm.crypto.Kdf;
import io.parasol.tpm.crypto.RsaPublicKey;
import io.parasol.tpm.crypto.SecretSharing;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;
import io.parasol.tpm.object.PublicTemplates;
import io.parasol.tpm.object.TpmaObject;
import io.parasol.tpm.object.TpmtPublic;
import io.parasol.tpm.object.TpmtScheme;
import java.math.BigInteger;
import java.security.KeyFactory;
import java.security.SecureRandom;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.RSAPublicKeySpec;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Part 3 §14 (RSA_Encrypt/Decrypt, ECDH_KeyGen/ZGen, ECC_Parameters), §15 (EncryptDecrypt(2),
 * HMAC), §17.2 HMAC_Start, §30.3 TestParms, §11.1 salted sessions.
 */
class CryptoCommandsTest extends ObjectTestSupport {
  private static final int DECRYPT_ATTRS = PublicTemplates.BASE_ATTRIBUTES | TpmaObject.DECRYPT;
  private int srk;

  @BeforeEach
  void start() throws Exception {
    startup();
    srk = createPrimary(TpmHandle.RH_OWNER, PublicTemplates.rsaStorage(2048)).handle();
  }

  private TpmResponse rsaDecrypt(int key, byte[] ct, TpmtScheme scheme, byte[] label) {
    return run(
        command(TpmCc.RSA_DECRYPT)
            .handle(key)
            .password()
            .params(
                w -> {
                  w.write2B(ct);
                  scheme.write(w);
                  w.write2B(label);
                }));
  }

  @Test
  void jdkOaepEncryptTpmDecrypt() throws Exception {
    Created c =
        create(
            srk,
            PublicTemplates.rsaKey(2048, DECRYPT_ATTRS, TpmtScheme.NULL),
            new byte[0],
            new byte[0]);
    int key = load(srk, c);
    byte[] label = "label\0".getBytes();
    Cipher oaep = Cipher.getInstance("RSA/ECB/OAEPPadding");
    oaep.init(
        Cipher.ENCRYPT_MODE,
        KeyFactory.getInstance("RSA")
            .generatePublic(
                new RSAPublicKeySpec(
                    new BigInteger(1, c.publicArea().unique()), BigInteger.valueOf(65537))),
        new OAEPParameterSpec(
            "SHA-256", "MGF1", MGF1ParameterSpec.SHA256, new PSource.PSpecified(label)));
    byte[] ct = oaep.doFinal("secret message".getBytes());
    TpmResponse r = rsaDecrypt(key, ct, TpmtScheme.of(TpmAlgId.OAEP, TpmAlgId.SHA256), label);
    assertEquals(TpmRc.SUCCESS, r.rc());
    assertArrayEquals("secret message".getBytes(), parametersOf(r, 0).read2B(512));
    // A wrong label fails the padding check; a label without terminator is refused.
    assertEquals(
        TpmRc.parameter(TpmRc.VALUE, 1),
        rsaDecrypt(key, ct, TpmtScheme.of(TpmAlgId.OAEP, TpmAlgId.SHA256), "other\0".getBytes())
            .rc());
    assertEquals(
        TpmRc.parameter(TpmRc.VALUE, 3),
        rsaDecrypt(key, ct, TpmtScheme.of(TpmAlgId.OAEP, TpmAlgId.SHA256), "x".getBytes()).rc());
    // TPM RSA_Encrypt, then decrypt again: RSAES round trip.
    TpmResponse e =
        expect(
            TpmRc.SUCCESS,
            command(TpmCc.RSA_ENCRYPT)
                .handle(key)
                .params(
                    w -> {
                      w.write2B("pkcs1".getBytes());
                      w.writeU16(TpmAlgId.RSAES);
                      w.write2B(new byte[0]);
                    }));
    byte[] ct2 = e.body().read2B(512);
    TpmResponse d =
        rsaDecrypt(key, ct2, new TpmtScheme(TpmAlgId.RSAES, TpmAlgId.NULL, 0, 0), new byte[0]);
    assertArrayEquals("pkcs1".getBytes(), parametersOf(d, 0).read2B(512));
    // Restricted keys (the SRK) cannot decrypt.
    assertEquals(
        TpmRc.handle(TpmRc.ATTRIBUTES, 1),
        rsaDecrypt(srk, ct, TpmtScheme.of(TpmAlgId.OAEP, TpmAlgId.SHA256), label).rc());
  }

  @Test
  void ecdhBothSidesAgree() throws Exception {
    int key =
        createAndLoad(
            srk,
            PublicTemplates.eccKey(TpmAlgId.ECC_NIST_P256, DECRYPT_ATTRS, TpmtScheme.NULL),
            new byte[0],
            new byte[0]);
    TpmReader kg = expect(TpmRc.SUCCESS, command(TpmCc.ECDH_KEY_GEN).handle(key)).body();
    byte[][] z = readPoint(kg);
    byte[][] pub = readPoint(kg);
    TpmResponse zg =
        expect(
            TpmRc.SUCCESS,
            command(TpmCc.ECDH_ZGEN)
                .handle(key)
                .password()
                .params(w -> writePoint(w, pub[0], pub[1])));
    byte[][] z2 = readPoint(parametersOf(zg, 0));
    assertArrayEquals(z[0], z2[0]);
    assertArrayEquals(z[1], z2[1]);
    // A point off the curve.
    byte[] badY = pub[1].clone();
    badY[31] ^= 1;
    expect(
        TpmRc.parameter(TpmRc.ECC_POINT, 1),
        command(TpmCc.ECDH_ZGEN).handle(key).password().params(w -> writePoint(w, pub[0], badY)));
  }

  @Test
  void saltedSessionsWithRsaAndEccKeys() throws Exception {
    byte[] nonceCaller = new byte[32];
    // RSA: the SRK.
    TpmtPublic srkPub = TpmtPublic.parse(readPublic(srk)[0]);
    SecretSharing.RsaSecret rs =
        SecretSharing.rsaCreate(
            RsaPublicKey.of(srkPub.unique(), 65537),
            HashAlgorithm.SHA256,
            SecretSharing.SECRET,
            new SecureRandom());
    assertSessionKey(srk, rs.encryptedSeed(), rs.seed(), nonceCaller);
    // ECC: an ECC storage primary.
    int ecc = createPrimary(TpmHandle.RH_OWNER, PublicTemplates.eccStorage(3)).handle();
    TpmtPublic eccPub = TpmtPublic.parse(readPublic(ecc)[0]);
    SecretSharing.EccSecret es =
        SecretSharing.eccCreate(
            Ecc.validate(EccCurve.NIST_P256, eccPub.unique(), eccPub.uniqueY()),
            HashAlgorithm.SHA256,
            SecretSharing.SECRET,
            new SecureRandom());
    TpmWriter point =
        new TpmWriter().write2B(es.ephemeralPoint().xBytes()).write2B(es.ephemeralPoint().yBytes());
    assertSessionKey(ecc, point.toByteArray(), es.seed(), nonceCaller);
    // A corrupted salt.
    byte[] bad = rs.encryptedSeed();
    bad[10] ^= 1;
    expect(TpmRc.parameter(TpmRc.VALUE, 2), startSession(srk, bad, nonceCaller));
  }

  private io.parasol.tpm.TpmCommandBuilder startSession(int key, byte[] salt, byte[] nonce) {
    return command(TpmCc.START_AUTH_SESSION)
        .handle(key)
        .handle(TpmHandle.RH_NULL)
        .params(
            w ->
                w.write2B(nonce)
                    .write2B(salt)
                    .writeU8(0)
                    .writeU16(TpmAlgId.AES)
                    .writeU16(128)
                    .writeU16(TpmAlgId.CFB)
                    .writeU16(TpmAlgId.SHA256));
  }

  private void assertSessionKey(int key, byte[] encrypted, byte[] salt, byte[] nonceCaller)
      throws Exception {
    TpmResponse r = expect(TpmRc.SUCCESS, startSession(key, encrypted, nonceCaller));
    TpmReader in = r.body();
    int session = in.readU32();
    byte[] nonceTpm = in.read2B(64);
    byte[] expected = Kdf.kdfa(HashAlgorithm.SHA256, salt, "ATH", nonceTpm, nonceCaller, 256);
    assertArrayEquals(expected, tpm.state().sessions().loaded(session).orElseThrow().sessionKey());
    flush(session);
  }

  @Test
  void encryptDecryptMatchesJdkAndChains() throws Exception {
    byte[] key = new byte[16];
    new SecureRandom().nextBytes(key);
    TpmtPublic t = PublicTemplates.symCipher(128, TpmAlgId.NULL);
    t = t.withAttributes(t.attributes() & ~TpmaObject.SENSITIVE_DATA_ORIGIN);
    int h = createAndLoad(srk, t, new byte[0], key);
    byte[] iv = new byte[16];
    byte[] data = new byte[48];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) i;
    }
    TpmResponse r =
        expect(
            TpmRc.SUCCESS,
            command(TpmCc.ENCRYPT_DECRYPT2)
                .handle(h)
                .password()
                .params(w -> w.write2B(data).writeU8(0).writeU16(TpmAlgId.CBC).write2B(iv)));
    TpmReader in = parametersOf(r, 0);
    byte[] ct = in.read2B(1024);
    byte[] ivOut = in.read2B(16);
    Cipher cbc = Cipher.getInstance("AES/CBC/NoPadding");
    cbc.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv));
    assertArrayEquals(cbc.doFinal(data), ct);
    assertArrayEquals(java.util.Arrays.copyOfRange(ct, 32, 48), ivOut);
    // Decrypt with TPM2_EncryptDecrypt (parameter order of §15.2).
    TpmResponse d =
        expect(
            TpmRc.SUCCESS,
            command(TpmCc.ENCRYPT_DECRYPT)
                .handle(h)
                .password()
                .params(w -> w.writeU8(1).writeU16(TpmAlgId.CBC).write2B(iv).write2B(ct)));
    assertArrayEquals(data, parametersOf(d, 0).read2B(1024));
    expect(
        TpmRc.parameter(TpmRc.SIZE, 4),
        command(TpmCc.ENCRYPT_DECRYPT)
            .handle(h)
            .password()
            .params(w -> w.writeU8(0).writeU16(TpmAlgId.CBC).write2B(iv).write2B(new byte[5])));
    expect(
        TpmRc.parameter(TpmRc.MODE, 2),
        command(TpmCc.ENCRYPT_DECRYPT)
            .handle(h)
            .password()
            .params(w -> w.writeU8(0).writeU16(TpmAlgId.NULL).write2B(iv).write2B(data)));
  }

  @Test
  void hmacAndHmacSequenceMatchJdk() throws Exception {
    byte[] key = "0123456789abcdef0123456789abcdef".getBytes();
    TpmtPublic t = PublicTemplates.hmacKey();
    t = t.withAttributes(t.attributes() & ~TpmaObject.SENSITIVE_DATA_ORIGIN);
    int h = createAndLoad(srk, t, new byte[0], key);
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    byte[] expected = mac.doFinal("data".getBytes());
    TpmResponse r =
        expect(
            TpmRc.SUCCESS,
            command(TpmCc.HMAC)
                .handle(h)
                .password()
                .params(w -> w.write2B("data".getBytes()).writeU16(TpmAlgId.NULL)));
    assertArrayEquals(expected, parametersOf(r, 0).read2B(64));
    expect(
        TpmRc.parameter(TpmRc.VALUE, 2),
        command(TpmCc.HMAC)
            .handle(h)
            .password()
            .params(w -> w.write2B("data".getBytes()).writeU16(TpmAlgId.SHA1)));
    TpmResponse s =
        expect(
            TpmRc.SUCCESS,
            command(TpmCc.HMAC_START)
                .handle(h)
                .password()
                .params(w -> w.write2B(new byte[0]).writeU16(TpmAlgId.NULL)));
    int seq = s.body().readU32();
    expect(
        TpmRc.SUCCESS,
        command(TpmCc.SEQUENCE_UPDATE)
            .handle(seq)
            .password()
            .params(w -> w.write2B("da".getBytes())));
    TpmResponse done =
        expect(
            TpmRc.SUCCESS,
            command(TpmCc.SEQUENCE_COMPLETE)
                .handle(seq)
                .password()
                .params(w -> w.write2B("ta".getBytes()).writeU32(TpmHandle.RH_NULL)));
    assertArrayEquals(expected, parametersOf(done, 0).read2B(64));
  }

  @Test
  void testParmsAndEccParameters() throws Exception {
    expect(
        TpmRc.SUCCESS,
        command(TpmCc.TEST_PARMS)
            .params(
                w -> {
                  w.writeU16(TpmAlgId.RSA);
                  PublicTemplates.rsaStorage(3072).parameters().write(w);
                }));
    expect(
        TpmRc.parameter(TpmRc.VALUE, 1),
        command(TpmCc.TEST_PARMS)
            .params(
                w -> {
                  w.writeU16(TpmAlgId.RSA);
                  PublicTemplates.rsaStorage(4096).parameters().write(w);
                }));
    expect(
        TpmRc.parameter(TpmRc.CURVE, 1),
        command(TpmCc.TEST_PARMS)
            .params(
                w -> {
                  w.writeU16(TpmAlgId.ECC);
                  PublicTemplates.eccStorage(TpmAlgId.ECC_NIST_P521).parameters().write(w);
                }));
    TpmReader p =
        expect(
                TpmRc.SUCCESS,
                command(TpmCc.ECC_PARAMETERS).params(w -> w.writeU16(TpmAlgId.ECC_NIST_P256)))
            .body();
    assertEquals(TpmAlgId.ECC_NIST_P256, p.readU16());
    assertEquals(256, p.readU16());
    // kdf KDF1_SP800_56A/SHA-256, sign NULL: what libtpms (swtpm) answers for P-256
    assertEquals(TpmAlgId.KDF1_SP800_56A, p.readU16());
    assertEquals(TpmAlgId.SHA256, p.readU16());
    assertEquals(TpmAlgId.NULL, p.readU16());
    // FIPS 186-4 D.1.2.3: p of P-256.
    assertArrayEquals(
        java.util.HexFormat.of()
            .parseHex("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff"),
        p.read2B(48));
    TpmReader p384 =
        expect(
                TpmRc.SUCCESS,
                command(TpmCc.ECC_PARAMETERS).params(w -> w.writeU16(TpmAlgId.ECC_NIST_P384)))
            .body();
    assertEquals(TpmAlgId.ECC_NIST_P384, p384.readU16());
    assertEquals(384, p384.readU16());
    assertEquals(TpmAlgId.KDF1_SP800_56A, p384.readU16());
    assertEquals(TpmAlgId.SHA384, p384.readU16());
    assertEquals(TpmAlgId.NULL, p384.readU16());
  }

  private static byte[][] readPoint(TpmReader in) throws Exception {
    TpmReader p = in.slice(in.readU16());
    return new byte[][] {p.read2B(48), p.read2B(48)};
  }

  private static void writePoint(TpmWriter w, byte[] x, byte[] y) {
    int m = w.beginSized();
    w.write2B(x).write2B(y);
    w.endSized(m);
  }
}
