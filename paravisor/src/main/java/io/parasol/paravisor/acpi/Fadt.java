package io.parasol.paravisor.acpi;

import io.parasol.paravisor.acpi.TableWriter.GenericAddress;
import io.parasol.paravisor.chipset.acpi.AcpiPmBlock;
import io.parasol.paravisor.chipset.rtc.CmosRtc;

/**
 * Fixed ACPI Description Table (ACPI 6.5 §5.2.9), revision 6 layout (276 bytes), describing the
 * {@link AcpiPmBlock} at port 0x600: PM1a event (4 bytes) and control (2 bytes) blocks and the
 * 24-bit PM timer, SCI on ISA IRQ 9, no SMI_CMD (SCI_EN is always set, so the OS never has to
 * switch to ACPI mode), no GPE block, the reset register at port 0xCF9 with value 6, and a PC/AT
 * with legacy devices and an 8042. Not HW-reduced.
 */
public final class Fadt {
  private Fadt() {}

  public static final int LENGTH = 276;
  public static final int REVISION = 6;
  public static final int MINOR_REVISION = 5;

  /** PM1a_EVT_BLK, PM1a_CNT_BLK and PM_TMR_BLK offsets in the PM block, and their lengths. */
  public static final int PM1_EVT_OFFSET = 0;

  public static final int PM1_EVT_LEN = 4;
  public static final int PM1_CNT_OFFSET = 4;
  public static final int PM1_CNT_LEN = 2;
  public static final int PM_TMR_OFFSET = 8;
  public static final int PM_TMR_LEN = 4;

  public static final int RESET_PORT = 0xCF9;
  public static final int RESET_VALUE = 0x06;

  /** Fixed feature flags (§5.2.9 Table 5.10). */
  public static final int WBINVD = 1 << 0;

  public static final int PROC_C1 = 1 << 2;
  public static final int SLP_BUTTON = 1 << 5;
  public static final int TMR_VAL_EXT = 1 << 8;
  public static final int RESET_REG_SUP = 1 << 10;
  public static final int HW_REDUCED_ACPI = 1 << 20;

  /** IA-PC boot architecture flags (§5.2.9.3). */
  public static final int LEGACY_DEVICES = 1 << 0;

  public static final int IAPC_8042 = 1 << 1;

  /** P_LVL2_LAT above 100 and P_LVL3_LAT above 1000 say C2 and C3 are not supported. */
  static final int NO_C2_LATENCY = 0xFFF;

  static final int NO_C3_LATENCY = 0xFFF;

  /**
   * @param dsdtAddress guest-physical address of the DSDT (fits in 32 bits: DSDT and X_DSDT agree)
   * @param facsAddress guest-physical address of the FACS, 64-byte aligned
   * @param pmBase first port of the PM block ({@link AcpiPmBlock#DEFAULT_BASE_PORT})
   * @param sciIrq the SCI's ISA IRQ
   */
  public static byte[] build(long dsdtAddress, long facsAddress, int pmBase, int sciIrq) {
    if ((dsdtAddress | facsAddress) >>> 32 != 0) {
      throw new IllegalArgumentException("DSDT and FACS must sit below 4 GiB");
    }
    int evt = pmBase + PM1_EVT_OFFSET;
    int cnt = pmBase + PM1_CNT_OFFSET;
    int tmr = pmBase + PM_TMR_OFFSET;
    int flags = WBINVD | PROC_C1 | SLP_BUTTON | RESET_REG_SUP;
    if (AcpiPmBlock.TMR_VAL_EXT) {
      flags |= TMR_VAL_EXT;
    }
    TableWriter t = TableWriter.sdt("FACP", LENGTH, REVISION);
    t.u32(36, facsAddress).u32(40, dsdtAddress);
    t.u8(45, 0); // Preferred_PM_Profile: unspecified
    t.u16(46, sciIrq).u32(48, 0); // SMI_CMD 0: no SMM, ACPI mode fixed on
    t.u32(56, evt).u32(64, cnt).u32(76, tmr);
    t.u8(88, PM1_EVT_LEN).u8(89, PM1_CNT_LEN).u8(91, PM_TMR_LEN);
    t.u16(96, NO_C2_LATENCY).u16(98, NO_C3_LATENCY);
    t.u8(108, CmosRtc.CENTURY_INDEX);
    t.u16(109, LEGACY_DEVICES | IAPC_8042);
    t.u32(112, flags);
    t.gas(116, GenericAddress.io(RESET_PORT, 8, 1)).u8(128, RESET_VALUE);
    t.u8(131, MINOR_REVISION);
    t.u64(132, facsAddress).u64(140, dsdtAddress);
    t.gas(148, GenericAddress.io(evt, PM1_EVT_LEN * 8, 2));
    t.gas(172, GenericAddress.io(cnt, PM1_CNT_LEN * 8, 2));
    t.gas(208, GenericAddress.io(tmr, PM_TMR_LEN * 8, 3));
    t.ascii(268, "PARASOL", 8); // hypervisor vendor identity
    return t.finish();
  }
}
