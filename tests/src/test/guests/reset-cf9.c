/*
 * reset-cf9: resets the machine through the reset control register at 0xCF9,
 * as Linux's reboot=pci does (SYS_RST first, then SYS_RST|RST_CPU).
 * Output: see reset.h, with <how> = CF9.
 */
#include "reset.h"

void guest_main(void)
{
	if (reset_marker_take()) {
		com1_puts("RESET-CF9 rebooted\n");
		return;
	}
	com1_puts("RESET-CF9 requesting reset\n");
	outb(RESET_CONTROL, RESET_CONTROL_SYS_RST);
	outb(RESET_CONTROL, RESET_CONTROL_SYS_RST | RESET_CONTROL_RST_CPU);
	reset_wait_then_fail();
}
