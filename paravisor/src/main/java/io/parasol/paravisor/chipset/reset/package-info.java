/**
 * The PIIX/ICH Reset Control Register at port 0xCF9, the PCI-era way to reset the machine. Not
 * here: the i8042 reset line (see {@code chipset.i8042}) and what a reset means for the VM (see
 * {@link io.parasol.paravisor.chipset.PowerControl}).
 */
package io.parasol.paravisor.chipset.reset;
