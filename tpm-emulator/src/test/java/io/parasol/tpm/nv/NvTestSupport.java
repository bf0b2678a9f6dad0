package io.parasol.tpm.nv;

import static io.parasol.tpm.TpmCommandBuilder.command;

import io.parasol.tpm.TpmAlgId;
import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmCommandBuilder;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmHandle;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.TpmResponse;
import io.parasol.tpm.TpmTestSupport;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A started TPM and the caller's side of NV and policy commands, written from the spec for the
 * tests (JDK digests and HMACs only, independent of the engine's code).
 */
public class NvTestSupport extends TpmTestSupport {
  protected static final int INDEX = 0x0150_0001;
  protected static final int INDEX2 = 0x0150_0002;
  protected static final byte[] PASSWORD = "nv-secret".getBytes(StandardCharsets.US_ASCII);

  protected static byte[] hex(String s) {
    return HexFormat.of().parseHex(s);
  }

  protected static byte[] sha256(byte[]... parts) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (byte[] p : parts) {
        md.update(p);
      }
      return md.digest();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  protected static byte[] hmacSha256(byte[] key, byte[]... parts) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, "HmacSHA256"));
      for (byte[] p : parts) {
        mac.update(p);
      }
      return mac.doFinal();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  protected static byte[] u32(int v) {
    return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
  }

  protected static byte[] u16(int v) {
    return new byte[] {(byte) (v >>> 8), (byte) v};
  }

  protected static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  /** A marshalled {@code TPMS_NV_PUBLIC} with SHA-256 as nameAlg. */
  protected static byte[] nvPublic(int index, int attributes, byte[] policy, int size) {
    return new TpmWriter()
        .writeU32(index)
        .writeU16(TpmAlgId.SHA256)
        .writeU32(attributes)
        .write2B(policy)
        .writeU16(size)
        .toByteArray();
  }

  /** The Name of an index: {@code 000B || SHA-256(TPMS_NV_PUBLIC)}. */
  protected static byte[] nvName(int index, int attributes, byte[] policy, int size) {
    return concat(u16(TpmAlgId.SHA256), sha256(nvPublic(index, attributes, policy, size)));
  }

  protected TpmCommandBuilder defineCommand(
      int authHandle, byte[] auth, int index, int attributes, byte[] policy, int size) {
    byte[] pub = nvPublic(index, attributes, policy, size);
    return command(TpmCc.NV_DEFINE_SPACE)
        .handle(authHandle)
        .password()
        .params(w -> w.write2B(auth).write2B(pub));
  }

  protected void define(int index, int attributes, int size) {
    expect(
        TpmRc.SUCCESS,
        defineCommand(TpmHandle.RH_OWNER, PASSWORD, index, attributes, new byte[0], size));
  }

  protected void define(int index, int attributes, byte[] policy, int size) {
    expect(
        TpmRc.SUCCESS,
        defineCommand(TpmHandle.RH_OWNER, PASSWORD, index, attributes, policy, size));
  }

  protected TpmCommandBuilder writeCommand(int authHandle, int index, byte[] data, int offset) {
    return command(TpmCc.NV_WRITE)
        .handle(authHandle)
        .handle(index)
        .password(authHandle == index ? PASSWORD : new byte[0])
        .params(w -> w.write2B(data).writeU16(offset));
  }

  protected TpmCommandBuilder readCommand(int authHandle, int index, int size, int offset) {
    return command(TpmCc.NV_READ)
        .handle(authHandle)
        .handle(index)
        .password(authHandle == index ? PASSWORD : new byte[0])
        .params(w -> w.writeU16(size).writeU16(offset));
  }

  protected TpmCommandBuilder simpleCommand(int cc, int authHandle, int index) {
    return command(cc)
        .handle(authHandle)
        .handle(index)
        .password(authHandle == index ? PASSWORD : new byte[0]);
  }

  protected byte[] read(int authHandle, int index, int size, int offset) throws TpmException {
    TpmResponse r = expect(TpmRc.SUCCESS, readCommand(authHandle, index, size, offset));
    return parametersOf(r, 0).read2B(4096);
  }

  /** NV_ReadPublic: the public area bytes and the Name. */
  protected byte[][] readPublic(int index) throws TpmException {
    TpmResponse r = expect(TpmRc.SUCCESS, command(TpmCc.NV_READ_PUBLIC).handle(index));
    TpmReader in = r.body();
    return new byte[][] {in.read2B(4096), in.read2B(4096)};
  }

  /** Shutdown(CLEAR), power cycle, Startup(CLEAR): a TPM Reset. */
  protected void reset() {
    expect(TpmRc.SUCCESS, command(TpmCc.SHUTDOWN).params(w -> w.writeU16(0)));
    tpm.powerOff();
    tpm.powerOn();
    startup();
  }

  // ------------------------------------------------------------------ sessions

  /** A started policy (or trial) session: handle and nonceTPM. */
  protected record Session(int handle, byte[] nonceTpm) {}

  protected final byte[] nonceCaller = hex("00112233445566778899aabbccddeeff");

  private final java.util.ArrayDeque<Integer> started = new java.util.ArrayDeque<>();

  /**
   * Starts a policy (or trial) session with SHA-256; flushes the oldest one this test started if
   * three are loaded (the TPM holds three).
   */
  protected Session startPolicySession(boolean trial) throws TpmException {
    started.removeIf(h -> tpm.withLock(() -> tpm.state().sessions().loaded(h).isEmpty()));
    if (started.size() >= 3) {
      int oldest = started.removeFirst();
      expect(TpmRc.SUCCESS, command(TpmCc.FLUSH_CONTEXT).params(w -> w.writeU32(oldest)));
    }
    TpmResponse r =
        expect(
            TpmRc.SUCCESS,
            command(TpmCc.START_AUTH_SESSION)
                .handle(TpmHandle.RH_NULL)
                .handle(TpmHandle.RH_NULL)
                .params(
                    w ->
                        w.write2B(nonceCaller)
                            .write2B(new byte[0])
                            .writeU8(trial ? 3 : 1)
                            .writeU16(TpmAlgId.NULL)
                            .writeU16(TpmAlgId.SHA256)));
    TpmReader in = r.body();
    Session s = new Session(in.readU32(), in.read2B(64));
    started.addLast(s.handle());
    return s;
  }

  protected byte[] policyDigest(Session s) throws TpmException {
    TpmResponse r = expect(TpmRc.SUCCESS, command(TpmCc.POLICY_GET_DIGEST).handle(s.handle()));
    return r.body().read2B(64);
  }

  protected void policyCommandCode(Session s, int cc) {
    expect(
        TpmRc.SUCCESS,
        command(TpmCc.POLICY_COMMAND_CODE).handle(s.handle()).params(w -> w.writeU32(cc)));
  }

  protected void policySimple(Session s, int cc) {
    expect(TpmRc.SUCCESS, command(cc).handle(s.handle()));
  }

  /** Adds a policy-session authorisation with an empty HMAC (no authValue in the policy). */
  protected static TpmCommandBuilder withPolicy(TpmCommandBuilder b, Session s) {
    return b.session(s.handle(), new byte[16], 0x01, new byte[0]);
  }

  /**
   * Adds a policy-session authorisation whose HMAC includes {@code authValue}
   * (TPM2_PolicyAuthValue, Part 1 §19.6.5): {@code HMAC(authValue, cpHash || nonceCaller ||
   * nonceTPM || attributes)} with {@code cpHash := SHA-256(cc || names || parameters)}.
   */
  protected static TpmCommandBuilder withPolicyHmac(
      TpmCommandBuilder b, Session s, byte[] authValue, byte[][] names) {
    byte[] caller = hex("a0a1a2a3a4a5a6a7a8a9aaabacadaeaf");
    byte[] cpHash = sha256(u32(b.commandCode()), concat(names), b.parameterBytes());
    byte[] hmac = hmacSha256(authValue, cpHash, caller, s.nonceTpm(), new byte[] {1});
    return b.session(s.handle(), caller, 0x01, hmac);
  }
}
