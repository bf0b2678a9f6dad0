/*
 * Shared by the reset guests: CMOS byte 0x0F (the PC "shutdown status" byte,
 * which survives a reset) marks that this guest already asked for a reset, so
 * a VMM that reboots the VM sees the guest end cleanly on its second boot
 * instead of resetting forever:
 *
 *   first boot:   "RESET-<how> requesting reset", marker set, reset requested.
 *                 The VM must reset; if it still runs ~100 ms later:
 *                 "FAIL still running after reset request", power off.
 *   second boot:  "RESET-<how> rebooted", marker cleared, "DONE", power off.
 */
#ifndef PARASOL_GUEST_RESET_H
#define PARASOL_GUEST_RESET_H

#include "runtime.h"

#define RESET_MARKER 0xA5

static inline bool reset_marker_take(void)
{
	outb(CMOS_INDEX, CMOS_SHUTDOWN_STATUS);
	bool set = inb(CMOS_DATA) == RESET_MARKER;
	outb(CMOS_INDEX, CMOS_SHUTDOWN_STATUS);
	outb(CMOS_DATA, set ? 0x00 : RESET_MARKER);
	return set;
}

static bool reset_never(void *arg) { (void)arg; return false; }

static inline void reset_wait_then_fail(void)
{
	wait_until(reset_never, NULL, 100, 20000);
	/* Clear the marker so a later boot does not take this run for a reboot. */
	outb(CMOS_INDEX, CMOS_SHUTDOWN_STATUS);
	outb(CMOS_DATA, 0x00);
	fail("still running after reset request");
}

#endif
