package io.parasol.machine.irq;

/**
 * Told when a local APIC signals end-of-interrupt for a vector (with KVM's split irqchip, the
 * kernel reports EOIs of level-triggered IOAPIC vectors to userspace). The IOAPIC uses it to clear
 * Remote IRR.
 */
@FunctionalInterface
public interface EoiListener {
  void endOfInterrupt(int vector);
}
