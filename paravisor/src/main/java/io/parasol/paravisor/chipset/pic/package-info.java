/**
 * The PC/AT's pair of Intel 8259A programmable interrupt controllers, cascaded through the master's
 * IR2, with the PIIX edge/level control registers ({@link
 * io.parasol.paravisor.chipset.pic.DualPic8259}).
 *
 * <p>Not here: the local APIC's ExtINT delivery (the vCPU loop asks the pair through {@link
 * io.parasol.machine.irq.ExtIntSource}), 8080/8085 mode, buffered mode, and more than one slave.
 */
package io.parasol.paravisor.chipset.pic;
