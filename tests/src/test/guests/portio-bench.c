/*
 * portio-bench: N one-byte port writes to BENCH_PORT, a null device, in a
 * tight `out; dec; jnz` loop, so the cost measured is the exit.
 *
 * N is the header parameter at GUEST_HEADER_PARAM_GPA (0x100008, u32 LE), which
 * the loader writes after loading the image (platform.h). N = 0 is a FAIL.
 *
 * Output on success (after the loop, so it does not run inside the timed part
 * of the exits; it adds ~100 exits for COM1 and PM1a_CNT):
 *   BENCH portio port=0eb0 exits=200000
 *   DONE
 */
#include "runtime.h"

void guest_main(void)
{
	uint32_t n = guest_param();
	if (n == 0)
		fail("BENCH exit count not set at header +0x08");
	uint32_t left = n;
	__asm__ volatile("1:\n\t"
			 "outb %%al, %%dx\n\t"
			 "decl %%ecx\n\t"
			 "jnz 1b"
			 : "+c"(left)
			 : "a"(0), "d"(BENCH_PORT)
			 : "memory", "cc");
	com1_printf("BENCH portio port=%04x exits=%u\n", BENCH_PORT, n);
}
