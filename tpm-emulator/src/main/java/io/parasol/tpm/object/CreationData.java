package io.parasol.tpm.object;

import io.parasol.tpm.Hierarchy;
import io.parasol.tpm.Locality;
import io.parasol.tpm.TpmAlgId;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmLimits;
import io.parasol.tpm.TpmSt;
import io.parasol.tpm.TpmState;
import io.parasol.tpm.crypto.HashAlgorithm;
import io.parasol.tpm.crypto.Hmac;
import io.parasol.tpm.marshal.TpmWriter;
import io.parasol.tpm.marshal.TpmlPcrSelection;
import io.parasol.tpm.marshal.TpmsPcrSelection;
import java.security.MessageDigest;

/**
 * {@code TPMS_CREATION_DATA} (TPM 2.0 Library Part 2 §15.1) and the creation ticket {@code
 * TPMT_TK_CREATION} (§10.7.3, Part 1 §11.4.6.3) that TPM2_Create, TPM2_CreatePrimary and
 * TPM2_CreateLoaded return: what the TPM saw when it created an object (PCR digest, locality, the
 * parent's Name and Qualified Name, outside information), and an HMAC with the hierarchy proof that
 * binds the object's Name to the digest of that data, for TPM2_CertifyCreation.
 *
 * @param marshalled the marshalled {@code TPMS_CREATION_DATA} (the buffer of the {@code TPM2B})
 * @param creationHash {@code H_nameAlg(marshalled)}
 */
public record CreationData(byte[] marshalled, byte[] creationHash) {

  /**
   * Fills in the creation data of an object.
   *
   * @param nameAlg the new object's name algorithm (of the PCR digest and the creation hash)
   * @param parent the parent object, or null for a primary object (then {@code parentHandle})
   * @param parentHandle the hierarchy handle of a primary object's parent
   * @throws TpmException {@code TPM_RC_VALUE} for a PCR selection of an unallocated bank
   */
  public static CreationData of(
      TpmState state,
      HashAlgorithm nameAlg,
      TpmlPcrSelection creationPcr,
      Locality locality,
      TpmObject parent,
      int parentHandle,
      byte[] outsideInfo)
      throws TpmException {
    TpmWriter w = new TpmWriter();
    creationPcr.write(w);
    w.write2B(pcrDigest(state, nameAlg, creationPcr));
    w.writeU8(1 << locality.number()); // TPMA_LOCALITY
    if (parent == null) {
      w.writeU16(TpmAlgId.NULL);
      byte[] handleName = io.parasol.tpm.Entity.handleName(parentHandle);
      w.write2B(handleName).write2B(handleName);
    } else {
      w.writeU16(parent.publicArea().nameAlg());
      w.write2B(parent.name()).write2B(parent.qualifiedName());
    }
    w.write2B(outsideInfo);
    byte[] bytes = w.toByteArray();
    return new CreationData(bytes, nameAlg.digest(bytes));
  }

  /**
   * The digest of the selected PCRs (Part 1 §17.6.6): {@code H(PCR[i] || PCR[j] || ...)} in
   * selection order, banks in list order, PCRs ascending within a bank; PCRs that are not allocated
   * contribute nothing.
   */
  public static byte[] pcrDigest(TpmState state, HashAlgorithm hash, TpmlPcrSelection selection)
      throws TpmException {
    MessageDigest md = hash.newDigest();
    for (TpmsPcrSelection s : selection.selections()) {
      HashAlgorithm bank = HashAlgorithm.fromAlgId(s.hashAlg()).orElseThrow();
      for (int pcr = 0; pcr < TpmLimits.IMPLEMENTATION_PCR; pcr++) {
        if (s.isSelected(pcr)) {
          byte[] v = state.pcrs().value(bank, pcr).orElse(null);
          if (v != null) {
            md.update(v);
          }
        }
      }
    }
    return md.digest();
  }

  /** Writes {@code TPM2B_CREATION_DATA}. */
  public void write2B(TpmWriter out) {
    out.write2B(marshalled);
  }

  /**
   * The creation ticket: {@code HMAC_nameAlg(proof(hierarchy), TPM_ST_CREATION || name ||
   * creationHash)}, written as a {@code TPMT_TK_CREATION}.
   */
  public static void writeTicket(
      TpmWriter out,
      TpmState state,
      int hierarchy,
      HashAlgorithm nameAlg,
      byte[] name,
      byte[] creationHash) {
    out.writeU16(TpmSt.CREATION).writeU32(hierarchy);
    out.write2B(ticketDigest(state, hierarchy, nameAlg, name, creationHash));
  }

  /** The HMAC of a creation ticket. */
  public static byte[] ticketDigest(
      TpmState state, int hierarchy, HashAlgorithm nameAlg, byte[] name, byte[] creationHash) {
    byte[] proof = state.proof(Hierarchy.of(hierarchy).orElse(Hierarchy.NULL));
    return Hmac.compute(
        nameAlg,
        proof,
        new byte[] {(byte) (TpmSt.CREATION >>> 8), (byte) TpmSt.CREATION},
        name,
        creationHash);
  }
}
