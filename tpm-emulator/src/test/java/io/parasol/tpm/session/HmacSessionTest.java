package io.parasol.tpm.session;

import static io.parasol.tpm.TpmCommandBuilder.command;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parasol.tpm.TpmAlgId;
import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmCommandBuilder;
import io.parasol.tpm.TpmHandle;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.TpmResponse;
import io.parasol.tpm.TpmTestSupport;
import io.parasol.tpm.marshal.TpmReader;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * HMAC sessions end to end (Part 1 §19.6): the test is the caller and computes cpHash, the command
 * HMAC, rpHash and the response HMAC itself with the JDK, independently of the engine's code.
 */
class HmacSessionTest extends TpmTestSupport {
  private final byte[] nonceCaller = new byte[32];

  @BeforeEach
  void start() {
    startup();
    for (int i = 0; i < nonceCaller.length; i++) {
      nonceCaller[i] = (byte) (i + 1);
    }
  }

  /** A started session: its handle and nonceTPM. */
  record Session(int handle, byte[] nonceTpm, byte[] sessionKey) {}

  /**
   * TPM2_StartAuthSession with no tpmKey, {@code bind}, {@code nonceCaller}, {@code encryptedSalt},
   * {@code sessionType}, symmetric NULL and SHA-256.
   */
  private static TpmCommandBuilder startAuthSession(
      int bind, byte[] nonceCaller, byte[] encryptedSalt, int sessionType) {
    return command(TpmCc.START_AUTH_SESSION)
        .handle(TpmHandle.RH_NULL)
        .handle(bind)
        .params(
            w ->
                w.write2B(nonceCaller)
                    .write2B(encryptedSalt)
                    .writeU8(sessionType)
                    .writeU16(TpmAlgId.NULL)
                    .writeU16(TpmAlgId.SHA256));
  }

  private Session start(int bind, byte[] bindAuth, int type) throws Exception {
    TpmResponse r = expect(TpmRc.SUCCESS, startAuthSession(bind, nonceCaller, new byte[0], type));
    TpmReader in = r.body();
    int handle = in.readU32();
    byte[] nonceTpm = in.read2B(64);
    byte[] key = new byte[0];
    if (bind != TpmHandle.RH_NULL) {
      key = kdfa(bindAuth, "ATH", nonceTpm, nonceCaller, 256);
    }
    return new Session(handle, nonceTpm, key);
  }

  private static byte[] hmac(byte[] key, byte[]... parts) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, "HmacSHA256"));
    for (byte[] p : parts) {
      mac.update(p);
    }
    return mac.doFinal();
  }

  /** KDFa with SHA-256, written from Part 1 §11.4.10.2 for this test. */
  private static byte[] kdfa(byte[] key, String label, byte[] u, byte[] v, int bits)
      throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 1; out.size() * 8 < bits; i++) {
      out.write(
          hmac(
              key,
              ByteBuffer.allocate(4).putInt(i).array(),
              (label + "\0").getBytes(StandardCharsets.US_ASCII),
              u,
              v,
              ByteBuffer.allocate(4).putInt(bits).array()));
    }
    byte[] all = out.toByteArray();
    return java.util.Arrays.copyOf(all, bits / 8);
  }

  private static byte[] cpHash(int cc, byte[] names, byte[] params) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    md.update(ByteBuffer.allocate(4).putInt(cc).array());
    md.update(names);
    md.update(params);
    return md.digest();
  }

  private static byte[] pcrName(int pcr) {
    return ByteBuffer.allocate(4).putInt(pcr).array();
  }

  private TpmCommandBuilder extendPcr16() {
    return command(TpmCc.PCR_EXTEND)
        .handle(16)
        .params(w -> w.writeU32(1).writeU16(TpmAlgId.SHA256).writeBytes(new byte[32]));
  }

  private TpmResponse runWithHmac(
      TpmCommandBuilder b, Session s, byte[] names, byte[] hmacKey, int attributes)
      throws Exception {
    byte[] params = b.parameterBytes();
    byte[] cp = cpHash(b.commandCode(), names, params);
    byte[] hmac = hmac(hmacKey, cp, nonceCaller, s.nonceTpm(), new byte[] {(byte) attributes});
    return run(b.session(s.handle(), nonceCaller, attributes, hmac).build());
  }

  @Test
  void unboundUnsaltedSessionAuthorisesAndSignsTheResponse() throws Exception {
    Session s = start(TpmHandle.RH_NULL, null, 0);
    assertEquals(TpmHandle.HMAC_SESSION_FIRST, s.handle());
    assertEquals(32, s.nonceTpm().length);
    TpmResponse r = runWithHmac(extendPcr16(), s, pcrName(16), new byte[0], 0x01);
    assertEquals(TpmRc.SUCCESS, r.rc());
    TpmReader in = r.body();
    int parameterSize = in.readU32();
    assertEquals(0, parameterSize);
    byte[] newNonce = in.read2B(64);
    int attrs = in.readU8();
    byte[] responseHmac = in.read2B(64);
    assertEquals(0x01, attrs);
    assertEquals(32, newNonce.length);
    byte[] rpHash =
        MessageDigest.getInstance("SHA-256")
            .digest(ByteBuffer.allocate(8).putInt(0).putInt(TpmCc.PCR_EXTEND).array());
    assertArrayEquals(
        hmac(new byte[0], rpHash, newNonce, nonceCaller, new byte[] {1}), responseHmac);
    // The session continues with the new nonce.
    Session next = new Session(s.handle(), newNonce, s.sessionKey());
    assertEquals(TpmRc.SUCCESS, runWithHmac(extendPcr16(), next, pcrName(16), new byte[0], 1).rc());
  }

  @Test
  void wrongHmacOnNonDaEntityIsBadAuthForTheSession() throws Exception {
    Session s = start(TpmHandle.RH_NULL, null, 0);
    TpmResponse r = runWithHmac(extendPcr16(), s, pcrName(16), "wrong".getBytes(), 0x01);
    assertEquals(TpmRc.session(TpmRc.BAD_AUTH, 1), r.rc());
    assertEquals(0x9A2, r.rc());
  }

  @Test
  void emptyHmacIsAcceptedWhenTheKeyIsEmpty() throws Exception {
    Session s = start(TpmHandle.RH_NULL, null, 0);
    TpmResponse r = run(extendPcr16().session(s.handle(), nonceCaller, 1, new byte[0]).build());
    assertEquals(TpmRc.SUCCESS, r.rc());
  }

  @Test
  void sessionWithoutContinueIsFlushed() throws Exception {
    Session s = start(TpmHandle.RH_NULL, null, 0);
    assertEquals(TpmRc.SUCCESS, runWithHmac(extendPcr16(), s, pcrName(16), new byte[0], 0).rc());
    assertTrue(tpm.state().sessions().loaded(s.handle()).isEmpty());
    assertEquals(
        TpmRc.REFERENCE_S0, runWithHmac(extendPcr16(), s, pcrName(16), new byte[0], 0).rc());
  }

  @Test
  void hmacIncludesTheEntityAuthValue() throws Exception {
    byte[] ownerAuth = "owner-secret".getBytes();
    expect(
        TpmRc.SUCCESS,
        command(TpmCc.HIERARCHY_CHANGE_AUTH)
            .handle(TpmHandle.RH_OWNER)
            .password()
            .params(w -> w.write2B(ownerAuth)));
    Session s = start(TpmHandle.RH_NULL, null, 0);
    TpmCommandBuilder clockSet =
        command(TpmCc.CLOCK_SET).handle(TpmHandle.RH_OWNER).params(w -> w.writeU64(1L << 40));
    byte[] ownerName = pcrName(TpmHandle.RH_OWNER);
    assertEquals(TpmRc.SUCCESS, runWithHmac(clockSet, s, ownerName, ownerAuth, 0x01).rc());
  }

  @Test
  void boundSessionUsesTheSessionKeyWithoutAuthValueForItsBindEntity() throws Exception {
    byte[] ownerAuth = "bound".getBytes();
    expect(
        TpmRc.SUCCESS,
        command(TpmCc.HIERARCHY_CHANGE_AUTH)
            .handle(TpmHandle.RH_OWNER)
            .password()
            .params(w -> w.write2B(ownerAuth)));
    Session s = start(TpmHandle.RH_OWNER, ownerAuth, 0);
    assertEquals(32, s.sessionKey().length);
    TpmCommandBuilder clockSet =
        command(TpmCc.CLOCK_SET).handle(TpmHandle.RH_OWNER).params(w -> w.writeU64(1L << 40));
    // Bound to the owner: the key is the session key alone.
    TpmResponse r = runWithHmac(clockSet, s, pcrName(TpmHandle.RH_OWNER), s.sessionKey(), 0x01);
    assertEquals(TpmRc.SUCCESS, r.rc());
    // For another entity (PCR 16, empty authValue), sessionKey || authValue = sessionKey too.
    TpmReader in = r.body();
    in.readU32();
    Session next = new Session(s.handle(), in.read2B(64), s.sessionKey());
    assertEquals(
        TpmRc.SUCCESS, runWithHmac(extendPcr16(), next, pcrName(16), s.sessionKey(), 1).rc());
  }

  @Test
  void nonceCallerShorterThanSixteenIsSize() {
    expect(
        TpmRc.parameter(TpmRc.SIZE, 1),
        startAuthSession(TpmHandle.RH_NULL, new byte[8], new byte[0], 0));
  }

  @Test
  void saltWithoutKeyIsValue() {
    expect(
        TpmRc.parameter(TpmRc.VALUE, 2),
        startAuthSession(TpmHandle.RH_NULL, new byte[16], new byte[4], 0));
  }

  @Test
  void badSessionTypeIsValueOnParameterThree() {
    expect(
        TpmRc.parameter(TpmRc.VALUE, 3),
        startAuthSession(TpmHandle.RH_NULL, new byte[16], new byte[0], 2));
  }

  @Test
  void onlyThreeSessionsLoadAtOnce() throws Exception {
    for (int i = 0; i < 3; i++) {
      start(TpmHandle.RH_NULL, null, i == 0 ? 0 : 1);
    }
    expect(TpmRc.SESSION_MEMORY, startAuthSession(TpmHandle.RH_NULL, new byte[16], new byte[0], 0));
    expect(
        TpmRc.SUCCESS,
        command(TpmCc.FLUSH_CONTEXT).params(w -> w.writeU32(TpmHandle.HMAC_SESSION_FIRST)));
    expect(
        TpmRc.parameter(TpmRc.HANDLE, 1),
        command(TpmCc.FLUSH_CONTEXT).params(w -> w.writeU32(TpmHandle.HMAC_SESSION_FIRST)));
    // Slot 1 holds a policy session: its handle is in the policy range.
    assertTrue(tpm.state().sessions().loaded(TpmHandle.POLICY_SESSION_FIRST + 1).isPresent());
  }

  private Session startXorBoundToOwner() throws Exception {
    TpmResponse started =
        expect(
            TpmRc.SUCCESS,
            command(TpmCc.START_AUTH_SESSION)
                .handle(TpmHandle.RH_NULL)
                .handle(TpmHandle.RH_OWNER)
                .params(
                    w ->
                        w.write2B(nonceCaller)
                            .write2B(new byte[0])
                            .writeU8(0)
                            .writeU16(TpmAlgId.XOR)
                            .writeU16(TpmAlgId.SHA256)
                            .writeU16(TpmAlgId.SHA256)));
    TpmReader sin = started.body();
    int handle = sin.readU32();
    byte[] nonceTpm = sin.read2B(64);
    return new Session(handle, nonceTpm, kdfa(new byte[0], "ATH", nonceTpm, nonceCaller, 256));
  }

  @Test
  void xorDecryptionOfTheFirstCommandParameter() throws Exception {
    Session s = startXorBoundToOwner();
    byte[] event = "measured event".getBytes(StandardCharsets.US_ASCII);
    // Part 1 §21.2: mask = KDFa(hash, sessionKey || authValue, "XOR", nonceCaller, nonceTPM).
    byte[] mask = kdfa(s.sessionKey(), "XOR", nonceCaller, s.nonceTpm(), event.length * 8);
    byte[] encrypted = new byte[event.length];
    for (int i = 0; i < event.length; i++) {
      encrypted[i] = (byte) (event[i] ^ mask[i]);
    }
    TpmCommandBuilder b = command(TpmCc.PCR_EVENT).handle(16).params(w -> w.write2B(encrypted));
    TpmResponse r = runWithHmac(b, s, pcrName(16), s.sessionKey(), 0x21);
    assertEquals(TpmRc.SUCCESS, r.rc());
    TpmReader in = parametersOf(r, 0);
    in.readU32(); // count
    in.readU16();
    in.readBytes(20); // SHA-1
    assertEquals(TpmAlgId.SHA256, in.readU16());
    assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(event), in.readBytes(32));
  }

  @Test
  void xorEncryptionOfTheFirstResponseParameter() throws Exception {
    Session s = startXorBoundToOwner();
    TpmCommandBuilder b = command(TpmCc.GET_RANDOM).params(w -> w.writeU16(16));
    TpmResponse r = runWithHmac(b, s, new byte[0], s.sessionKey(), 0x41);
    assertEquals(TpmRc.SUCCESS, r.rc());
    TpmReader in = r.body();
    in.readU32();
    byte[] encrypted = in.read2B(64);
    byte[] newNonce = in.read2B(64);
    assertEquals(0x41, in.readU8());
    byte[] responseHmac = in.read2B(64);
    // The response HMAC covers the encrypted parameter: rpHash = H(0 || cc || TPM2B).
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    md.update(
        ByteBuffer.allocate(10).putInt(0).putInt(TpmCc.GET_RANDOM).putShort((short) 16).array());
    md.update(encrypted);
    assertArrayEquals(
        hmac(s.sessionKey(), md.digest(), newNonce, nonceCaller, new byte[] {0x41}), responseHmac);
  }
}
