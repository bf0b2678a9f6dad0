package io.parasol.paravisor.chipset;

/**
 * What chipset devices do to the whole machine: the ACPI PM block's S5 powers it off, the i8042's
 * pulse of the reset line and port 0xCF9 reset it. The VM decides what that means (end the run with
 * a documented outcome); devices only report what the guest asked for.
 */
public interface PowerControl {
  /** The guest asked to power off; {@code source} names the device, for the log. */
  void powerOff(String source);

  /** The guest asked for a reset; {@code source} names the device and path. */
  void reset(String source);
}
