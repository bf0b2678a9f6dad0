package io.parasol.tpm.pcr;

import io.parasol.tpm.TpmLimits;
import io.parasol.tpm.crypto.HashAlgorithm;
import io.parasol.tpm.marshal.TpmlPcrSelection;
import io.parasol.tpm.marshal.TpmsPcrSelection;
import io.parasol.tpm.marshal.TpmtHa;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The PCR banks (TPM 2.0 Library Part 1 §17, Part 3 §22): one array of {@link
 * TpmLimits#IMPLEMENTATION_PCR} digests per allocated hash algorithm, the {@code pcrUpdateCounter},
 * and the allocation PCR_Allocate asks for, which takes effect at the next Startup(CLEAR).
 */
public final class PcrBanks {
  /** The PCR banks a PC Client TPM may allocate. */
  public static final List<HashAlgorithm> IMPLEMENTED =
      List.of(HashAlgorithm.SHA1, HashAlgorithm.SHA256, HashAlgorithm.SHA384);

  private final Map<HashAlgorithm, byte[][]> banks = new EnumMap<>(HashAlgorithm.class);
  private TpmlPcrSelection allocation;
  private TpmlPcrSelection pendingAllocation;
  private int updateCounter;

  /** Banks with {@code allocation} in force, all PCRs zero. */
  public PcrBanks(TpmlPcrSelection allocation) {
    this.allocation = allocation;
    this.pendingAllocation = allocation;
    applyAllocation();
  }

  /** All implemented banks with all 24 PCRs: this TPM's allocation when manufactured. */
  public static TpmlPcrSelection defaultAllocation() {
    List<TpmsPcrSelection> list = new ArrayList<>();
    for (HashAlgorithm h : IMPLEMENTED) {
      byte[] all = new byte[TpmLimits.PCR_SELECT_SIZE];
      Arrays.fill(all, (byte) 0xFF);
      list.add(new TpmsPcrSelection(h.algId(), all));
    }
    return new TpmlPcrSelection(list);
  }

  /** Every PCR of {@code banks} allocated, the other implemented banks empty. */
  public static TpmlPcrSelection allocationOf(List<HashAlgorithm> banks) {
    List<TpmsPcrSelection> list = new ArrayList<>();
    for (HashAlgorithm h : IMPLEMENTED) {
      byte[] select = new byte[TpmLimits.PCR_SELECT_SIZE];
      if (banks.contains(h)) {
        Arrays.fill(select, (byte) 0xFF);
      }
      list.add(new TpmsPcrSelection(h.algId(), select));
    }
    for (HashAlgorithm h : banks) {
      if (!IMPLEMENTED.contains(h)) {
        throw new IllegalArgumentException("no PCR bank for " + h);
      }
    }
    return new TpmlPcrSelection(list);
  }

  private void applyAllocation() {
    banks.clear();
    for (TpmsPcrSelection s : allocation.selections()) {
      HashAlgorithm h = HashAlgorithm.fromAlgId(s.hashAlg()).orElseThrow();
      if (!s.isEmpty()) {
        byte[][] values = new byte[TpmLimits.IMPLEMENTATION_PCR][];
        for (int i = 0; i < values.length; i++) {
          values[i] = new byte[h.digestSize()];
        }
        banks.put(h, values);
      }
    }
  }

  /** The allocation in force ({@code TPM_CAP_PCRS}). */
  public TpmlPcrSelection allocation() {
    return allocation;
  }

  /** The allocation that the next Startup(CLEAR) puts in force. */
  public TpmlPcrSelection pendingAllocation() {
    return pendingAllocation;
  }

  /** True if PCR_Allocate changed the allocation since the last Startup(CLEAR). */
  public boolean isReconfigured() {
    return !pendingAllocation.equals(allocation);
  }

  /** Puts {@code restored} in force at once (a TPM restored from saved state). */
  public void restoreAllocation(TpmlPcrSelection restored) {
    allocation = restored;
    pendingAllocation = restored;
    applyAllocation();
  }

  /** Records the allocation for the next Startup(CLEAR) (TPM2_PCR_Allocate). */
  public void setPendingAllocation(TpmlPcrSelection pending) {
    this.pendingAllocation = pending;
  }

  /** True if the bank of {@code hash} is allocated and PCR {@code pcr} is in it. */
  public boolean isAllocated(HashAlgorithm hash, int pcr) {
    if (!banks.containsKey(hash)) {
      return false;
    }
    for (TpmsPcrSelection s : allocation.selections()) {
      if (s.hashAlg() == hash.algId()) {
        return s.isSelected(pcr);
      }
    }
    return false;
  }

  /** The allocated banks, in algorithm order. */
  public List<HashAlgorithm> allocatedBanks() {
    return List.copyOf(banks.keySet());
  }

  /** The value of PCR {@code pcr} in bank {@code hash}, if allocated. */
  public Optional<byte[]> value(HashAlgorithm hash, int pcr) {
    return isAllocated(hash, pcr) ? Optional.of(banks.get(hash)[pcr].clone()) : Optional.empty();
  }

  /** {@code pcrUpdateCounter}. */
  public int updateCounter() {
    return updateCounter;
  }

  private void changed(int pcr) {
    if (!PcrAttributes.of(pcr).noIncrement()) {
      updateCounter++;
    }
  }

  /**
   * Extends PCR {@code pcr} of bank {@code hash}: {@code PCR := H(PCR || digest)} (Part 1 §17.2). A
   * bank that is not allocated is left alone.
   */
  public void extend(int pcr, HashAlgorithm hash, byte[] digest) {
    if (!isAllocated(hash, pcr)) {
      return;
    }
    byte[][] bank = banks.get(hash);
    bank[pcr] = hash.digest(bank[pcr], digest);
    changed(pcr);
  }

  /** Extends PCR {@code pcr} with each tagged digest, in its own bank. */
  public void extend(int pcr, List<TpmtHa> digests) {
    for (TpmtHa d : digests) {
      extend(pcr, HashAlgorithm.fromAlgId(d.hashAlg()).orElseThrow(), d.digest());
    }
  }

  /** Sets PCR {@code pcr} to zero in every bank (TPM2_PCR_Reset). */
  public void reset(int pcr) {
    fill(pcr, (byte) 0);
    changed(pcr);
  }

  private void fill(int pcr, byte value) {
    for (byte[][] bank : banks.values()) {
      Arrays.fill(bank[pcr], value);
    }
  }

  /**
   * Startup (Part 1 §17.7): applies a pending allocation on CLEAR, and gives every PCR its initial
   * value, except that on Resume ({@code saved} non-null) state-saved PCRs take their saved values.
   * PCR 0 carries the startup locality when that is 3 (PC Client PTP §4.6.3); PCRs a dynamic launch
   * resets start as all ones.
   *
   * @param saved the values Shutdown(STATE) kept, by bank, or {@code null} for Startup(CLEAR)
   * @param startupLocality the locality of TPM2_Startup
   * @param keepPcr0 true if an H-CRTM sequence before Startup set PCR 0
   */
  public void startup(Map<HashAlgorithm, byte[][]> saved, int startupLocality, boolean keepPcr0) {
    Map<HashAlgorithm, byte[]> pcr0 = new EnumMap<>(HashAlgorithm.class);
    if (keepPcr0) {
      banks.forEach((h, bank) -> pcr0.put(h, bank[0].clone()));
    }
    if (saved == null) {
      allocation = pendingAllocation;
      applyAllocation();
    }
    updateCounter = 0;
    for (int pcr = 0; pcr < TpmLimits.IMPLEMENTATION_PCR; pcr++) {
      PcrAttributes attributes = PcrAttributes.of(pcr);
      for (Map.Entry<HashAlgorithm, byte[][]> e : banks.entrySet()) {
        byte[] value = e.getValue()[pcr];
        byte[][] savedBank = saved == null ? null : saved.get(e.getKey());
        if (attributes.stateSave() && savedBank != null && savedBank[pcr] != null) {
          System.arraycopy(savedBank[pcr], 0, value, 0, value.length);
        } else if (pcr == 0 && pcr0.containsKey(e.getKey())) {
          System.arraycopy(pcr0.get(e.getKey()), 0, value, 0, value.length);
        } else {
          Arrays.fill(value, attributes.drtmReset() ? (byte) 0xFF : 0);
          if (pcr == 0 && startupLocality == 3) {
            value[value.length - 1] = 3;
          }
        }
      }
    }
  }

  /** The values Shutdown(STATE) keeps: the state-saved PCRs of every bank. */
  public Map<HashAlgorithm, byte[][]> saveState() {
    Map<HashAlgorithm, byte[][]> out = new EnumMap<>(HashAlgorithm.class);
    banks.forEach(
        (h, bank) -> {
          byte[][] copy = new byte[bank.length][];
          for (int pcr = 0; pcr < bank.length; pcr++) {
            if (PcrAttributes.of(pcr).stateSave()) {
              copy[pcr] = bank[pcr].clone();
            }
          }
          out.put(h, copy);
        });
    return out;
  }

  /**
   * _TPM_Hash_Start after Startup (a dynamic launch): PCRs 17–22 become zero (PC Client PTP
   * §4.6.4).
   */
  public void resetDynamic() {
    for (int pcr = 0; pcr < TpmLimits.IMPLEMENTATION_PCR; pcr++) {
      if (PcrAttributes.of(pcr).drtmReset()) {
        fill(pcr, (byte) 0);
      }
    }
    updateCounter++;
  }

  /**
   * Sets PCR 0 to the H-CRTM starting value {@code 0…04} in every bank (_TPM_Hash_End before
   * Startup, PC Client PTP §4.6.3), before the measurement is extended into it.
   */
  public void setHcrtmStart() {
    for (byte[][] bank : banks.values()) {
      Arrays.fill(bank[0], (byte) 0);
      bank[0][bank[0].length - 1] = 4;
    }
  }

  /**
   * PCR_Read (Part 3 §22.4): the selected, allocated PCRs in selection order, at most eight
   * digests; {@code selectionOut} says which were returned.
   */
  public ReadResult read(TpmlPcrSelection selection) {
    List<TpmsPcrSelection> out = new ArrayList<>();
    List<byte[]> digests = new ArrayList<>();
    for (TpmsPcrSelection s : selection.selections()) {
      byte[] bits = new byte[s.select().length];
      HashAlgorithm h = HashAlgorithm.fromAlgId(s.hashAlg()).orElseThrow();
      for (int pcr = 0; pcr < bits.length * 8 && pcr < TpmLimits.IMPLEMENTATION_PCR; pcr++) {
        if (s.isSelected(pcr) && isAllocated(h, pcr) && digests.size() < 8) {
          bits[pcr / 8] |= (byte) (1 << (pcr % 8));
          digests.add(banks.get(h)[pcr].clone());
        }
      }
      out.add(new TpmsPcrSelection(s.hashAlg(), bits));
    }
    return new ReadResult(updateCounter, new TpmlPcrSelection(out), digests);
  }

  /** What PCR_Read returns. */
  public record ReadResult(
      int updateCounter, TpmlPcrSelection selectionOut, List<byte[]> digests) {}
}
