/**
 * The ACPI fixed-hardware power-management registers (ACPI 6.5 §4.8): PM1a event and control blocks
 * and the PM timer, laid out as QEMU's PIIX4/ICH9 do at port 0x600. Not here: ACPI tables (the
 * DSDT's {@code _S5} uses {@link io.parasol.paravisor.chipset.acpi.AcpiPmBlock#S5_SLP_TYP}), GPE
 * blocks and the SMI_CMD mode switch.
 */
package io.parasol.paravisor.chipset.acpi;
