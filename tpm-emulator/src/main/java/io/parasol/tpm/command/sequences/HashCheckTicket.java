package io.parasol.tpm.command.sequences;

import io.parasol.tpm.Hierarchy;
import io.parasol.tpm.TpmHandle;
import io.parasol.tpm.TpmSt;
import io.parasol.tpm.TpmState;
import io.parasol.tpm.crypto.HashAlgorithm;
import io.parasol.tpm.marshal.TpmWriter;
import io.parasol.tpm.session.SessionCrypto;

/**
 * {@code TPMT_TK_HASHCHECK} (TPM 2.0 Library Part 2 §10.7.6; Part 1 §11.4.6.3): proof that the TPM
 * hashed data that did not start with {@code TPM_GENERATED_VALUE}, so that a restricted key may
 * sign the digest. {@code digest := HMAC_hashAlg(proof, TPM_ST_HASHCHECK || digest)}; the NULL
 * ticket ({@code TPM_RH_NULL}, empty digest) proves nothing.
 */
public record HashCheckTicket(int hierarchy, byte[] digest) {

  /** The NULL ticket. */
  public static HashCheckTicket none() {
    return new HashCheckTicket(TpmHandle.RH_NULL, new byte[0]);
  }

  /** The ticket for {@code digest} computed with {@code hash} in {@code hierarchy}. */
  public static HashCheckTicket of(
      TpmState state, int hierarchy, HashAlgorithm hash, byte[] digest, boolean safe) {
    if (!safe || hierarchy == TpmHandle.RH_NULL) {
      return none();
    }
    byte[] proof = state.proof(Hierarchy.of(hierarchy).orElseThrow());
    byte[] tag = {(byte) (TpmSt.HASHCHECK >>> 8), (byte) TpmSt.HASHCHECK};
    return new HashCheckTicket(hierarchy, SessionCrypto.hmac(hash, proof, tag, digest));
  }

  public void write(TpmWriter out) {
    out.writeU16(TpmSt.HASHCHECK).writeU32(hierarchy).write2B(digest);
  }
}
