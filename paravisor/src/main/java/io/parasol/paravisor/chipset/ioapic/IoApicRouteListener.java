package io.parasol.paravisor.chipset.ioapic;

/**
 * Told how a pin of an {@link IoApic} is routed whenever the guest changes its redirection entry,
 * so a hypervisor backend can mirror the route (for example to learn which vectors are
 * level-triggered and must exit on their EOI). Called under the IOAPIC's monitor, on the thread
 * that wrote the entry: it must not call back into the IOAPIC from another thread and wait.
 */
@FunctionalInterface
public interface IoApicRouteListener {
  /** A listener that ignores every change. */
  IoApicRouteListener NONE = (pin, msiAddress, msiData, masked) -> {};

  /**
   * The route of {@code pin} is now the MSI {@code msiAddress}/{@code msiData} (formatted as {@link
   * IoApic} documents; bit 15 of the data says level-triggered), and the pin is {@code masked} or
   * not.
   */
  void routeChanged(int pin, long msiAddress, int msiData, boolean masked);
}
