/**
 * The Intel 8254 programmable interval timer (ports 0x40–0x43) and the PC's port 0x61 (NMI Status
 * and Control, "port B"), which gates PIT counter 2 and reads back its OUT pin.
 *
 * <p>Counts are computed from the injected {@link io.parasol.machine.time.TimeSource} at the moment
 * they are read, never ticked; a timer is armed only for counter 0's OUT, which drives IRQ0. Not
 * here: the speaker (port 0x61 bit 1 is stored but makes no sound) and the NMI sources of port 0x61
 * bits 6–7 (always 0).
 */
package io.parasol.paravisor.chipset.pit;
