package io.parasol.tpm.command.audit;

import io.parasol.tpm.Entity;
import io.parasol.tpm.TpmAlgId;
import io.parasol.tpm.TpmState;
import io.parasol.tpm.crypto.HashAlgorithm;
import java.security.MessageDigest;
import java.util.List;

/**
 * The command audit digest (TPM 2.0 Library Part 1 §33 "Command Audit", the reference
 * implementation's {@code CommandAudit.c}). After an audited command succeeds:
 *
 * <pre>
 *   commandAuditDigest := H_auditAlg(commandAuditDigest || cpHash || rpHash)
 * </pre>
 *
 * where {@code cpHash = H_auditAlg(commandCode || Names || parameters as received)} and {@code
 * rpHash = H_auditAlg(TPM_RC_SUCCESS || commandCode || response parameters as sent)}. An empty
 * digest (after TPM Reset, or once TPM2_GetCommandAuditDigest signed it) starts again from zeros
 * and increments the persistent {@code auditCounter}. Changing the audit hash clears the digest
 * after TPM2_SetCommandCodeAuditStatus itself, which is not recorded.
 *
 * <p>The dispatcher calls {@link #cpHash} before the command runs (the Names as they were) and
 * {@link #record} after the response parameters are final.
 */
public final class CommandAudit {
  private CommandAudit() {}

  /**
   * The value of the digest between TPM2_SetCommandCodeAuditStatus changing the hash and the end of
   * that command (the reference implementation's size-one marker).
   */
  private static final int ALGORITHM_CHANGED_SIZE = 1;

  /** The audit hash ({@code auditHashAlg}; a TPM that never set it uses SHA-256). */
  public static HashAlgorithm auditHash(TpmState state) {
    return HashAlgorithm.fromAlgId(state.auditHashAlg()).orElse(HashAlgorithm.SHA256);
  }

  /** True if {@code commandCode} is audited. */
  public static boolean isAudited(TpmState state, int commandCode) {
    return state.auditCommands().contains(commandCode);
  }

  /**
   * The audit cpHash of a command about to run, or null if the command is not audited.
   *
   * @param parameters the command parameters as received (before any parameter decryption)
   */
  public static byte[] cpHash(
      TpmState state, int commandCode, List<Entity> entities, byte[] parameters) {
    if (!isAudited(state, commandCode)) {
      return null;
    }
    MessageDigest md = auditHash(state).newDigest();
    md.update(be32(commandCode));
    for (Entity e : entities) {
      md.update(e.name());
    }
    md.update(parameters);
    return md.digest();
  }

  /**
   * Extends the digest with a command that succeeded.
   *
   * @param cpHash what {@link #cpHash} returned (null: not audited, nothing happens)
   * @param responseParameters the response parameters as sent (after parameter encryption)
   * @return true if persistent state changed (the audit counter)
   */
  public static boolean record(
      TpmState state, int commandCode, byte[] cpHash, byte[] responseParameters) {
    if (cpHash == null) {
      return false;
    }
    byte[] digest = state.commandAuditDigest();
    if (digest.length == ALGORITHM_CHANGED_SIZE) {
      state.setCommandAuditDigest(new byte[0]);
      return false;
    }
    HashAlgorithm h = auditHash(state);
    boolean counted = false;
    if (digest.length == 0) {
      digest = new byte[h.digestSize()];
      state.setAuditCounter(state.auditCounter() + 1);
      counted = true;
    }
    byte[] rpHash = h.digest(new byte[4], be32(commandCode), responseParameters);
    state.setCommandAuditDigest(h.digest(digest, cpHash, rpHash));
    return counted;
  }

  /** Marks the digest to be cleared after the current command (the audit hash changed). */
  static void algorithmChanged(TpmState state) {
    state.setCommandAuditDigest(new byte[ALGORITHM_CHANGED_SIZE]);
  }

  /** Clears the digest: the next audited command starts a new one (TPM2_GetCommandAuditDigest). */
  public static void reset(TpmState state) {
    state.setCommandAuditDigest(new byte[0]);
  }

  /**
   * {@code commandDigest} of TPM2_GetCommandAuditDigest: {@code H_auditAlg} of the audited command
   * codes, ascending, each as a UINT32.
   */
  public static byte[] commandDigest(TpmState state) {
    MessageDigest md = auditHash(state).newDigest();
    state.auditCommands().stream()
        .sorted(Integer::compareUnsigned)
        .forEach(cc -> md.update(be32(cc)));
    return md.digest();
  }

  /** The audit hash's {@code TPM_ALG_ID} as reported ({@code digestAlg}). */
  public static int auditHashAlgId(TpmState state) {
    return state.auditHashAlg() == TpmAlgId.NULL
        ? HashAlgorithm.SHA256.algId()
        : state.auditHashAlg();
  }

  private static byte[] be32(int v) {
    return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
  }
}
