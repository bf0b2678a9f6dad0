package io.parasol.tpm.command.ea;

import io.parasol.tpm.Hierarchy;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmHandle;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.TpmSt;
import io.parasol.tpm.TpmState;
import io.parasol.tpm.crypto.HashAlgorithm;
import io.parasol.tpm.marshal.Tpm2b;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;
import io.parasol.tpm.session.SessionCrypto;

/**
 * The tickets of enhanced authorisation (TPM 2.0 Library Part 2 §10.7, Part 3 §23): HMACs keyed
 * with a hierarchy's proof, so only this TPM can have made them and they die with the proof.
 *
 * <ul>
 *   <li>{@code TPMT_TK_AUTH} ({@link #authTicket}): returned by TPM2_PolicySecret/PolicySigned with
 *       a negative expiration, consumed by TPM2_PolicyTicket. {@code digest := HMAC(proof, tag ||
 *       cpHashA || policyRef || authName || timeout [|| epoch [|| resetCount]])}. The epoch ({@code
 *       resetCount}, {@code restartCount}) ties a timeout to the {@code time} base it was computed
 *       in; {@code resetCount} is added when the ticket expires on TPM Reset.
 *   <li>{@code TPMT_TK_VERIFIED} ({@link #verifiedTicket}): returned by TPM2_VerifySignature,
 *       checked by TPM2_PolicyAuthorize. {@code digest := HMAC(proof, TPM_ST_VERIFIED || digest ||
 *       keyName)}.
 * </ul>
 *
 * <p>The HMAC hash is {@link #TICKET_HASH} (the context-integrity hash, SHA-256). The object
 * chapter's TPM2_VerifySignature must produce its tickets with {@link #verifiedTicket} for
 * TPM2_PolicyAuthorize to accept them.
 */
public final class PolicyTickets {
  private PolicyTickets() {}

  /** The hash of every ticket HMAC ({@code CONTEXT_INTEGRITY_HASH_ALG}). */
  public static final HashAlgorithm TICKET_HASH = HashAlgorithm.SHA256;

  /** Bit 63 of the timeout buffer: the ticket expires on TPM Reset (this TPM's timeout format). */
  static final long EXPIRES_ON_RESET = 1L << 63;

  /** A {@code TPMT_TK_AUTH} or {@code TPMT_TK_VERIFIED}: tag, hierarchy, digest. */
  public record Ticket(int tag, int hierarchy, byte[] digest) {
    public Ticket {
      digest = digest.clone();
    }

    @Override
    public byte[] digest() {
      return digest.clone();
    }

    /** The NULL ticket of {@code tag}: {@code TPM_RH_NULL} and an empty digest. */
    public static Ticket none(int tag) {
      return new Ticket(tag, TpmHandle.RH_NULL, new byte[0]);
    }

    /**
     * Unmarshals a ticket whose tag must be one of {@code tags} ({@code TPM_RC_TAG}); the hierarchy
     * must be a hierarchy or {@code TPM_RH_NULL} ({@code TPM_RC_VALUE}).
     */
    public static Ticket read(TpmReader in, int... tags) throws TpmException {
      int tag = in.readU16();
      boolean known = false;
      for (int t : tags) {
        known |= t == tag;
      }
      if (!known) {
        throw new TpmException(TpmRc.TAG);
      }
      int hierarchy = in.readU32();
      if (Hierarchy.of(hierarchy).isEmpty()) {
        throw new TpmException(TpmRc.VALUE);
      }
      return new Ticket(tag, hierarchy, in.read2B(Tpm2b.DIGEST));
    }

    public void write(TpmWriter out) {
      out.writeU16(tag).writeU32(hierarchy).write2B(digest);
    }
  }

  /** {@code TicketComputeAuth}: the digest of a {@code TPMT_TK_AUTH}. */
  public static byte[] authTicket(
      TpmState state,
      int tag,
      int hierarchy,
      long timeout,
      boolean expiresOnReset,
      byte[] cpHashA,
      byte[] policyRef,
      byte[] authName) {
    TpmWriter w = new TpmWriter();
    w.writeU16(tag).write2B(cpHashA).write2B(policyRef).write2B(authName).writeU64(timeout);
    if (timeout != 0) {
      w.writeU32(state.resetCount()).writeU32(state.restartCount());
      if (expiresOnReset) {
        w.writeU32(state.resetCount());
      }
    }
    return SessionCrypto.hmac(TICKET_HASH, proof(state, hierarchy), w.toByteArray());
  }

  /** {@code TicketComputeVerified}: the digest of a {@code TPMT_TK_VERIFIED}. */
  public static byte[] verifiedTicket(
      TpmState state, int hierarchy, byte[] digest, byte[] keyName) {
    TpmWriter w = new TpmWriter();
    w.writeU16(TpmSt.VERIFIED).write2B(digest).write2B(keyName);
    return SessionCrypto.hmac(TICKET_HASH, proof(state, hierarchy), w.toByteArray());
  }

  private static byte[] proof(TpmState state, int hierarchy) {
    return state.proof(Hierarchy.of(hierarchy).orElseThrow());
  }
}
