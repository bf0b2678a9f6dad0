/**
 * The I/O APIC: an Intel 82093AA with the version-0x20 (ICH) EOI register ({@link
 * io.parasol.paravisor.chipset.ioapic.IoApic}), turning 24 interrupt pins into message-signalled
 * interrupts for the local APICs, and reporting each pin's MSI route ({@link
 * io.parasol.paravisor.chipset.ioapic.IoApicRouteListener}).
 *
 * <p>Not here: the local APICs themselves, interrupt remapping (the remappable entry format is not
 * decoded), and the pin assertion register.
 */
package io.parasol.paravisor.chipset.ioapic;
