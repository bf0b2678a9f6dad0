/**
 * ACPI tables (ACPI 6.5 §5.2) describing the {@link io.parasol.paravisor.vm.PcChipset} wiring to
 * the guest: RSDP, XSDT, FADT (+ FACS), MADT, MCFG and a DSDT built with {@link
 * io.parasol.paravisor.acpi.aml}. {@link io.parasol.paravisor.acpi.AcpiTables} lays them out in one
 * blob for a guest-physical base; the loader copies it into guest memory.
 */
package io.parasol.paravisor.acpi;
