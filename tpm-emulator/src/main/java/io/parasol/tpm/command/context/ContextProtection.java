package io.parasol.tpm.command.context;

import io.parasol.tpm.Hierarchy;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.TpmState;
import io.parasol.tpm.crypto.Aes;
import io.parasol.tpm.crypto.HashAlgorithm;
import io.parasol.tpm.crypto.Hmac;
import io.parasol.tpm.crypto.Kdf;
import io.parasol.tpm.crypto.SymmetricMode;
import io.parasol.tpm.crypto.TpmCryptoException;
import io.parasol.tpm.marshal.TpmWriter;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * The protection of a saved context (TPM 2.0 Library Part 1 §30.3 "Context Confidentiality" and
 * §30.4 "Context Integrity"; the reference implementation's {@code ComputeContextProtectionKey} and
 * {@code ComputeContextIntegrity}). With {@code proof} the proof of the context's hierarchy (the
 * null proof for sessions):
 *
 * <pre>
 *   symKey || iv = KDFa(SHA-256, proof, "CONTEXT", sequence, savedHandle, 128 + 128)
 *   encContext   = AES-128-CFB(symKey, iv, context)
 *   integrity    = HMAC-SHA-256(proof, resetValue || sequence || savedHandle || hierarchy || encContext)
 *   contextBlob  = TPM2B(integrity) || encContext
 * </pre>
 *
 * {@code resetValue} ties the context to the TPM's life: the reset count for sessions, the reset
 * and restart counts for {@code stClear} objects, zero for other objects (whose contexts survive a
 * TPM Reset unless their hierarchy's proof changes).
 */
final class ContextProtection {
  private static final HashAlgorithm HASH = HashAlgorithm.SHA256;
  private static final String LABEL = "CONTEXT";

  private ContextProtection() {}

  static byte[] protect(
      TpmState state,
      long resetValue,
      long sequence,
      int savedHandle,
      int hierarchy,
      byte[] plain) {
    byte[] proof = proof(state, hierarchy);
    byte[] enc = cipher(true, proof, sequence, savedHandle, plain);
    byte[] integrity = integrity(proof, resetValue, sequence, savedHandle, hierarchy, enc);
    return new TpmWriter().write2B(integrity).writeBytes(enc).toByteArray();
  }

  /**
   * Checks and decrypts a context blob.
   *
   * @throws TpmException {@code TPM_RC_INTEGRITY} (no number) if it was not made by this TPM for
   *     these values, {@code TPM_RC_SIZE} if too short
   */
  static byte[] unprotect(
      TpmState state, long resetValue, long sequence, int savedHandle, int hierarchy, byte[] blob)
      throws TpmException {
    if (blob.length < 2) {
      throw new TpmException(TpmRc.SIZE);
    }
    int size = ((blob[0] & 0xFF) << 8) | (blob[1] & 0xFF);
    if (size != HASH.digestSize() || blob.length < 2 + size) {
      throw new TpmException(TpmRc.INTEGRITY);
    }
    byte[] proof = proof(state, hierarchy);
    byte[] integrity = Arrays.copyOfRange(blob, 2, 2 + size);
    byte[] enc = Arrays.copyOfRange(blob, 2 + size, blob.length);
    byte[] expected = integrity(proof, resetValue, sequence, savedHandle, hierarchy, enc);
    if (!MessageDigest.isEqual(integrity, expected)) {
      throw new TpmException(TpmRc.INTEGRITY);
    }
    return cipher(false, proof, sequence, savedHandle, enc);
  }

  private static byte[] proof(TpmState state, int hierarchy) {
    return state.proof(Hierarchy.of(hierarchy).orElse(Hierarchy.NULL));
  }

  private static byte[] integrity(
      byte[] proof, long resetValue, long sequence, int savedHandle, int hierarchy, byte[] enc) {
    byte[] fields =
        new TpmWriter()
            .writeU64(resetValue)
            .writeU64(sequence)
            .writeU32(savedHandle)
            .writeU32(hierarchy)
            .toByteArray();
    return Hmac.compute(HASH, proof, fields, enc);
  }

  private static byte[] cipher(
      boolean encrypt, byte[] proof, long sequence, int savedHandle, byte[] data) {
    byte[] keyIv =
        Kdf.kdfa(
            HASH,
            proof,
            LABEL,
            new TpmWriter().writeU64(sequence).toByteArray(),
            new TpmWriter().writeU32(savedHandle).toByteArray(),
            256);
    byte[] key = Arrays.copyOf(keyIv, 16);
    byte[] iv = Arrays.copyOfRange(keyIv, 16, 32);
    try {
      return encrypt
          ? Aes.encrypt(SymmetricMode.CFB, key, iv, data).data()
          : Aes.decrypt(SymmetricMode.CFB, key, iv, data).data();
    } catch (TpmCryptoException e) {
      throw new IllegalStateException(e);
    }
  }
}
