/**
 * How devices signal interrupts without knowing the interrupt controller: an {@link
 * io.parasol.machine.irq.InterruptLine} is a wire, an {@link io.parasol.machine.irq.MsiTarget}
 * takes message-signalled interrupts, and an {@link io.parasol.machine.irq.ExtIntSource} is what a
 * vCPU asks for a vector when the PIC raised INTR. IRQ numbers belong to the wiring, not here.
 */
package io.parasol.machine.irq;
