/**
 * The Motorola MC146818A real-time clock and the PC's CMOS RAM layout around it (ports 0x70/0x71).
 *
 * <p>Wall-clock time comes from an injected {@link java.time.InstantSource} plus an offset the
 * guest changes by setting the clock; periodic interrupts and timers use the monotonic {@link
 * io.parasol.machine.time.TimeSource}. Not here: NMI masking (port 0x70 bit 7 is remembered only),
 * daylight-saving switching (Register B DSE is stored and ignored) and a CMOS checksum.
 */
package io.parasol.paravisor.chipset.rtc;
