package io.parasol.tpm.nv;

import io.parasol.tpm.AuthRole;
import io.parasol.tpm.Entity;
import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmHandle;
import java.util.Arrays;

/**
 * An NV index (TPM 2.0 Library Part 1 §37.2, the reference implementation's {@code NV_INDEX}): its
 * public area, authValue and data. It is the {@link Entity} the dispatcher finds in {@code
 * TpmState.nvIndices()}, and answers the NV rules of authorisation (Part 1 §19.7, {@code
 * IsAuthValueAvailable}/{@code IsAuthPolicyAvailable}): {@code AUTHREAD}/{@code POLICYREAD} for
 * reads, {@code AUTHWRITE}/{@code POLICYWRITE} for writes, a policy for the ADMIN role, and the PIN
 * rules of {@code TPM_NT_PIN_PASS}/{@code TPM_NT_PIN_FAIL} indices.
 *
 * <p>Mutable: the NV commands change its data, attributes (written, locks) and authValue under the
 * TPM lock. The Name follows the attributes.
 */
public final class NvIndex implements Entity {

  /** {@code MAX_NV_INDEX_SIZE}: the largest data area ({@code TPM_PT_NV_INDEX_MAX}). */
  public static final int MAX_INDEX_SIZE = io.parasol.tpm.TpmLimits.MAX_NV_INDEX_SIZE;

  /** Octets of a counter, bit field or PIN index ({@code UINT64} / {@code TPMS_NV_PIN_...}). */
  public static final int WORD_SIZE = 8;

  private NvPublic publicArea;
  private byte[] authValue;
  private final byte[] data;

  /**
   * A newly defined index; data starts as all ones, like erased flash, and reads as such where an
   * ordinary index was written only in part.
   */
  public NvIndex(NvPublic publicArea, byte[] authValue) {
    this(publicArea, authValue, filled(publicArea.dataSize()));
  }

  /** An index as stored ({@link NvIndexCodec}). */
  NvIndex(NvPublic publicArea, byte[] authValue, byte[] data) {
    if (data.length != publicArea.dataSize()) {
      throw new IllegalArgumentException("data size does not match the public area");
    }
    this.publicArea = publicArea;
    this.authValue = Entity.trimTrailingZeros(authValue);
    this.data = data.clone();
  }

  private static byte[] filled(int size) {
    byte[] b = new byte[size];
    Arrays.fill(b, (byte) 0xFF);
    return b;
  }

  // ------------------------------------------------------------------ public area

  /** The current public area (with the current attributes). */
  public NvPublic publicArea() {
    return publicArea;
  }

  /** {@code TPMA_NV}. */
  public int attributes() {
    return publicArea.attributes();
  }

  /** True if all of {@code bits} are set. */
  public boolean has(int bits) {
    return publicArea.has(bits);
  }

  /** The index type ({@code TPM_NT}). */
  public int type() {
    return publicArea.type();
  }

  /** True once the index has been written ({@code TPMA_NV_WRITTEN}). */
  public boolean isWritten() {
    return has(TpmaNv.WRITTEN);
  }

  /** Sets attribute {@code bits} (locks, written). */
  public void setAttributes(int bits) {
    publicArea = publicArea.withAttributes(publicArea.attributes() | bits);
  }

  /** Clears attribute {@code bits}. */
  public void clearAttributes(int bits) {
    publicArea = publicArea.withAttributes(publicArea.attributes() & ~bits);
  }

  // ------------------------------------------------------------------ data

  /** {@code size} octets from {@code offset}; the caller has checked the range. */
  public byte[] read(int offset, int size) {
    return Arrays.copyOfRange(data, offset, offset + size);
  }

  /** Writes {@code bytes} at {@code offset} and sets {@code TPMA_NV_WRITTEN}. */
  public void write(int offset, byte[] bytes) {
    System.arraycopy(bytes, 0, data, offset, bytes.length);
    setAttributes(TpmaNv.WRITTEN);
  }

  /** The data of a counter, bit field or PIN index as a big-endian {@code UINT64}. */
  public long readWord() {
    long v = 0;
    for (int i = 0; i < WORD_SIZE; i++) {
      v = (v << 8) | (data[i] & 0xFF);
    }
    return v;
  }

  /** Writes a {@code UINT64} and sets {@code TPMA_NV_WRITTEN}. */
  public void writeWord(long value) {
    byte[] b = new byte[WORD_SIZE];
    for (int i = WORD_SIZE - 1; i >= 0; i--) {
      b[i] = (byte) value;
      value >>>= 8;
    }
    write(0, b);
  }

  /** Replaces the authValue (TPM2_NV_ChangeAuth); trailing zeros are dropped. */
  public void setAuthValue(byte[] newAuth) {
    authValue = Entity.trimTrailingZeros(newAuth);
  }

  // ------------------------------------------------------------------ Entity

  @Override
  public int handle() {
    return publicArea.nvIndex();
  }

  @Override
  public byte[] name() {
    return publicArea.name();
  }

  @Override
  public byte[] authValue() {
    return authValue.clone();
  }

  @Override
  public byte[] authPolicy() {
    return publicArea.authPolicy();
  }

  @Override
  public int authPolicyAlg() {
    return publicArea.nameAlg().algId();
  }

  @Override
  public boolean isDaProtected() {
    return !has(TpmaNv.NO_DA);
  }

  @Override
  public int hierarchy() {
    return has(TpmaNv.PLATFORMCREATE) ? TpmHandle.RH_PLATFORM : TpmHandle.RH_OWNER;
  }

  @Override
  public boolean authValueAllowed(AuthRole role, int commandCode) {
    if (role != AuthRole.USER) {
      return false; // Part 1 §19.7.3: ADMIN actions on an NV index need a policy.
    }
    if (isWriteOperation(commandCode)) {
      return has(TpmaNv.AUTHWRITE);
    }
    if (isPinIndex()) {
      // A PIN index's authValue is usable once written and while pinCount < pinLimit.
      return isWritten() && Long.compareUnsigned(pinCount(), pinLimit()) < 0;
    }
    return has(TpmaNv.AUTHREAD);
  }

  @Override
  public boolean policyAllowed(AuthRole role, int commandCode) {
    if (publicArea.authPolicy().length == 0) {
      return false;
    }
    if (role == AuthRole.ADMIN || role == AuthRole.DUP) {
      return true;
    }
    return has(isWriteOperation(commandCode) ? TpmaNv.POLICYWRITE : TpmaNv.POLICYREAD);
  }

  /**
   * PIN indices (Part 1 §37.2.3.4): after an authorisation that used the authValue, a PIN Fail
   * index counts the failure (or restarts at zero on success), a PIN Pass index counts the success.
   */
  @Override
  public boolean authValueChecked(boolean succeeded) {
    if (!isWritten()) {
      return false;
    }
    switch (type()) {
      case TpmaNv.NT_PIN_FAIL -> {
        setPinCount(succeeded ? 0 : pinCount() + 1);
        return true;
      }
      case TpmaNv.NT_PIN_PASS -> {
        if (succeeded) {
          setPinCount(pinCount() + 1);
          return true;
        }
        return false;
      }
      default -> {
        return false;
      }
    }
  }

  /**
   * TPM Reset and TPM Restart (Startup(CLEAR), Part 2 §13.4): read locks end; write locks end
   * unless the index is {@code WRITEDEFINE} and written; {@code CLEAR_STCLEAR} indices become
   * unwritten.
   */
  @Override
  public void onStartupClear() {
    int clear = TpmaNv.READLOCKED;
    if (!has(TpmaNv.WRITEDEFINE) || !isWritten()) {
      clear |= TpmaNv.WRITELOCKED;
    }
    if (has(TpmaNv.CLEAR_STCLEAR)) {
      clear |= TpmaNv.WRITTEN;
    }
    clearAttributes(clear);
  }

  // ------------------------------------------------------------------ PIN indices

  /** True for {@code TPM_NT_PIN_PASS} and {@code TPM_NT_PIN_FAIL}. */
  public boolean isPinIndex() {
    return type() == TpmaNv.NT_PIN_PASS || type() == TpmaNv.NT_PIN_FAIL;
  }

  /** {@code TPMS_NV_PIN_COUNTER_PARAMETERS.pinCount} (the first {@code UINT32}). */
  public long pinCount() {
    return readWord() >>> 32;
  }

  /** {@code TPMS_NV_PIN_COUNTER_PARAMETERS.pinLimit} (the second {@code UINT32}). */
  public long pinLimit() {
    return readWord() & 0xFFFF_FFFFL;
  }

  private void setPinCount(long count) {
    long saturated = Math.min(count, 0xFFFF_FFFFL);
    writeWord((saturated << 32) | pinLimit());
  }

  // ------------------------------------------------------------------ command classes

  /**
   * True for the commands that write an index ({@code IsWriteOperation}): NV_Write, NV_Increment,
   * NV_SetBits, NV_Extend and NV_WriteLock.
   */
  public static boolean isWriteOperation(int commandCode) {
    return switch (commandCode) {
      case TpmCc.NV_WRITE,
          TpmCc.NV_INCREMENT,
          TpmCc.NV_SET_BITS,
          TpmCc.NV_EXTEND,
          TpmCc.NV_WRITE_LOCK ->
          true;
      default -> false;
    };
  }

  /**
   * True for the commands that read an index ({@code IsReadOperation}): NV_Read, NV_ReadLock,
   * NV_Certify and PolicyNV. Other uses of an index's authorisation (PolicySecret) follow the read
   * rules too.
   */
  public static boolean isReadOperation(int commandCode) {
    return switch (commandCode) {
      case TpmCc.NV_READ, TpmCc.NV_READ_LOCK, TpmCc.NV_CERTIFY, TpmCc.POLICY_NV -> true;
      default -> false;
    };
  }

  /** The data, for the codec. */
  byte[] data() {
    return data.clone();
  }
}
