package io.parasol.paravisor.acpi;

/**
 * The {@code TPM2} table of the TCG ACPI Specification (Family 1.2 and 2.0, version 1.3, §8.3),
 * revision 4, for a TPM behind a Command Response Buffer: without it Linux does not load its TPM
 * driver even when the DSDT declares the device.
 *
 * <pre>
 * 36  Platform Class                  u16: 0 client, 1 server
 * 38  Reserved                        u16
 * 40  Address of CRB Control Area     u64
 * 48  Start Method                    u32: 7 = Command Response Buffer (6 = TIS/FIFO)
 * 52  Start Method Specific Params    12 bytes, zero for start method 7
 * 64  Log Area Minimum Length (LAML)  u32
 * 68  Log Area Start Address (LASA)   u64
 * </pre>
 *
 * <p>76 bytes, as QEMU emits for its CRB.
 */
public final class Tpm2 {
  private Tpm2() {}

  public static final int REVISION = 4;
  public static final int LENGTH = 76;

  /** PC Client platform class. */
  public static final int PLATFORM_CLASS_CLIENT = 0;

  /** Start method 7: the Command Response Buffer interface, started through its START register. */
  public static final int START_METHOD_CRB = 7;

  /**
   * A client-class TPM2 table for a CRB whose control area is at {@code controlAreaAddress}, with
   * the event log at {@code logAddress} of {@code logLength} bytes (both 0: no log yet).
   */
  public static byte[] build(long controlAreaAddress, long logLength, long logAddress) {
    if (logLength < 0 || logLength > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("log length does not fit 32 bits: " + logLength);
    }
    return TableWriter.sdt("TPM2", LENGTH, REVISION)
        .u16(36, PLATFORM_CLASS_CLIENT)
        .u16(38, 0)
        .u64(40, controlAreaAddress)
        .u32(48, START_METHOD_CRB)
        .u32(64, logLength)
        .u64(68, logAddress)
        .finish();
  }
}
