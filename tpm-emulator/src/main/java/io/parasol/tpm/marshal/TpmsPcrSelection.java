package io.parasol.tpm.marshal;

import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmLimits;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.crypto.HashAlgorithm;
import java.util.Arrays;

/**
 * {@code TPMS_PCR_SELECTION} (TPM 2.0 Library Part 2 §10.6.2): a hash algorithm and a bitmap of
 * PCRs (bit {@code n % 8} of octet {@code n / 8} selects PCR {@code n}).
 *
 * @param hashAlg the bank's {@code TPM_ALG_ID}
 * @param select the bitmap, {@code sizeofSelect} octets
 */
public record TpmsPcrSelection(int hashAlg, byte[] select) {

  public TpmsPcrSelection {
    select = select.clone();
  }

  /** A selection of {@code pcrs} in bank {@code hashAlg}, with the usual 3-octet bitmap. */
  public static TpmsPcrSelection of(int hashAlg, int... pcrs) {
    byte[] bitmap = new byte[TpmLimits.PCR_SELECT_SIZE];
    for (int pcr : pcrs) {
      bitmap[pcr / 8] |= (byte) (1 << (pcr % 8));
    }
    return new TpmsPcrSelection(hashAlg, bitmap);
  }

  /**
   * Unmarshals; the hash must be implemented ({@code TPM_RC_HASH}) and the bitmap 3 octets long at
   * least and at most {@code PCR_SELECT_MAX} ({@code TPM_RC_VALUE}).
   */
  public static TpmsPcrSelection read(TpmReader in) throws TpmException {
    int hash = in.readU16();
    if (HashAlgorithm.fromAlgId(hash).isEmpty()) {
      throw new TpmException(TpmRc.HASH);
    }
    int sizeofSelect = in.readU8();
    if (sizeofSelect < TpmLimits.PCR_SELECT_SIZE || sizeofSelect > TpmLimits.PCR_SELECT_SIZE) {
      throw new TpmException(TpmRc.VALUE);
    }
    return new TpmsPcrSelection(hash, in.readBytes(sizeofSelect));
  }

  public void write(TpmWriter out) {
    out.writeU16(hashAlg).writeU8(select.length).writeBytes(select);
  }

  /** True if PCR {@code pcr} is selected. */
  public boolean isSelected(int pcr) {
    return pcr >= 0 && pcr / 8 < select.length && (select[pcr / 8] & (1 << (pcr % 8))) != 0;
  }

  /** True if no PCR is selected. */
  public boolean isEmpty() {
    for (byte b : select) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  @Override
  public byte[] select() {
    return select.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TpmsPcrSelection s
        && s.hashAlg == hashAlg
        && Arrays.equals(s.select, select);
  }

  @Override
  public int hashCode() {
    return hashAlg * 31 + Arrays.hashCode(select);
  }

  @Override
  public String toString() {
    return String.format(
        "TpmsPcrSelection[0x%04X, %s]", hashAlg, java.util.HexFormat.of().formatHex(select));
  }
}
