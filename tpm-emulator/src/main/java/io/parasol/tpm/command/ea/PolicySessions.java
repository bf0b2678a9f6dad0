package io.parasol.tpm.command.ea;

import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.command.CommandContext;
import io.parasol.tpm.crypto.HashAlgorithm;
import io.parasol.tpm.session.AuthSession;
import java.security.MessageDigest;

/**
 * What the policy commands share (the reference implementation's {@code Policy_spt.c}): finding the
 * session, the digest updates of Part 3 §23.2.3 ({@code PolicyUpdate}/{@code PolicyContextUpdate}),
 * the parameter checks of TPM2_PolicySigned/Secret/Ticket and their timeout.
 */
final class PolicySessions {
  private PolicySessions() {}

  /** The policy (or trial) session of handle {@code i}. */
  static AuthSession session(CommandContext ctx, int i) throws TpmException {
    AuthSession s = ctx.state().sessions().loaded(ctx.handle(i)).orElse(null);
    if (s == null || !s.isPolicy()) {
      throw new TpmException(TpmRc.handle(TpmRc.HANDLE, i + 1));
    }
    return s;
  }

  /** The four-octet big-endian encoding of {@code v}. */
  static byte[] u32(int v) {
    return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
  }

  /** The two-octet big-endian encoding of {@code v}. */
  static byte[] u16(int v) {
    return new byte[] {(byte) (v >>> 8), (byte) v};
  }

  /**
   * {@code PolicyUpdate} (Part 3 §23.2.3): {@code policyDigest := H(policyDigest || commandCode ||
   * arg2)}, then, if {@code arg3} is not null, {@code policyDigest := H(policyDigest || arg3)}.
   */
  static void update(AuthSession s, int commandCode, byte[] arg2, byte[] arg3) {
    s.extendPolicy(u32(commandCode), arg2);
    if (arg3 != null) {
      s.extendPolicy(arg3);
    }
  }

  /**
   * {@code PolicyContextUpdate}: the update of {@link #update}, then the session's cpHash (if
   * given) and its timeout (the earliest one wins).
   */
  static void contextUpdate(
      AuthSession s, int commandCode, byte[] name, byte[] ref, byte[] cpHash, long timeout) {
    update(s, commandCode, name, ref);
    if (cpHash.length != 0) {
      s.cpHash = cpHash.clone();
      s.isCpHashDefined = true;
    }
    if (timeout != 0 && (s.timeoutClock == 0 || s.timeoutClock > timeout)) {
      s.timeoutClock = timeout;
    }
  }

  /**
   * {@code ComputeAuthTimeout}: for an {@code expiration} (seconds; negative asks for a ticket) the
   * {@code time} at which the authorisation expires: from the session's start if bound to its
   * nonce, else from now. 0 for no expiration.
   */
  static long authTimeout(CommandContext ctx, AuthSession s, int expiration, byte[] nonceTpm) {
    if (expiration == 0) {
      return 0;
    }
    long seconds = Math.abs((long) expiration);
    if (nonceTpm.length == 0) {
      return seconds * 1000 + ctx.state().clock().time() % 1000;
    }
    return s.startTime + seconds * 1000;
  }

  /**
   * {@code PolicyParameterChecks}: a given nonce must be the session's {@code nonceTPM} ({@code
   * TPM_RC_NONCE}), a timeout must not have passed ({@code TPM_RC_EXPIRED}), a given cpHash must be
   * a digest of the session's hash ({@code TPM_RC_SIZE}) and agree with one already set ({@code
   * TPM_RC_CPHASH}).
   *
   * @param nonceParam, cpHashParam, expirationParam the parameter numbers to blame (0: not a
   *     parameter of this command)
   */
  static void parameterChecks(
      CommandContext ctx,
      AuthSession s,
      long authTimeout,
      byte[] cpHashA,
      byte[] nonceTpm,
      int nonceParam,
      int cpHashParam,
      int expirationParam)
      throws TpmException {
    if (nonceTpm != null
        && nonceTpm.length != 0
        && !MessageDigest.isEqual(nonceTpm, s.nonceTpm())) {
      throw new TpmException(TpmRc.parameter(TpmRc.NONCE, nonceParam));
    }
    if (authTimeout != 0 && authTimeout < ctx.state().clock().time()) {
      throw new TpmException(TpmRc.parameter(TpmRc.EXPIRED, expirationParam));
    }
    if (cpHashA.length != 0) {
      if (cpHashA.length != s.authHash().digestSize()) {
        throw new TpmException(TpmRc.parameter(TpmRc.SIZE, cpHashParam));
      }
      if (s.cpHash.length != 0 && !MessageDigest.isEqual(cpHashA, s.cpHash)) {
        throw new TpmException(TpmRc.CPHASH);
      }
    }
  }

  /** A digest of {@code parts} with the session's hash. */
  static byte[] digest(AuthSession s, byte[]... parts) {
    HashAlgorithm h = s.authHash();
    return h.digest(parts);
  }
}
