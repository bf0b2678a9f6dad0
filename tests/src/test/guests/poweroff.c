/*
 * poweroff: powers off through ACPI S5 (PM1a_CNT, platform.h).
 *
 * Output on success, then the VM stops:
 *   POWEROFF via ACPI S5
 * If the vCPU still runs ~100 ms after the write: "FAIL still running", then
 * it halts with interrupts off (never spins).
 */
#include "runtime.h"

void guest_main(void)
{
	com1_printf("POWEROFF via ACPI S5 pm1a_cnt=%04x\n", (SLP_TYP_S5 << 10) | ACPI_SLP_EN);
	acpi_poweroff();
}
