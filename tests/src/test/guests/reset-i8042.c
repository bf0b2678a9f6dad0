/*
 * reset-i8042: resets the machine with the i8042 "pulse reset line" command,
 * as Linux's reboot=kbd does. Output: see reset.h, with <how> = I8042.
 */
#include "reset.h"

static bool input_buffer_empty(void *arg)
{
	(void)arg;
	return !(inb(I8042_STATUS) & I8042_STATUS_IBF);
}

void guest_main(void)
{
	if (reset_marker_take()) {
		com1_puts("RESET-I8042 rebooted\n");
		return;
	}
	com1_puts("RESET-I8042 requesting reset\n");
	if (!wait_until(input_buffer_empty, NULL, 100, 20000))
		fail("i8042 input buffer never empty");
	outb(I8042_COMMAND, I8042_CMD_PULSE_RESET);
	reset_wait_then_fail();
}
