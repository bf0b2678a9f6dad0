/*
 * igvm-params: reports what the IGVM loader put in the parameter area that
 * `parasol igvm build` places at 0x8000 (igvm-image's build.Layout): the VP
 * count at +0, the command line at +0x100, the memory map at +0x1000
 * (IGVM_VHS_MEMORY_MAP_ENTRY, 24 bytes each, ended by an entry with no pages).
 *
 * Output (numbers in hex, 64-bit values as high:low):
 *   IGVM vp_count=<n>
 *   IGVM cmdline=<text>
 *   IGVM mem <i> page=<hi>:<lo> pages=<hi>:<lo> type=<t>     (one per entry)
 *   IGVM mem entries=<n>
 *   DONE
 */
#include "runtime.h"

#define IGVM_PARAMETER_AREA 0x8000u
#define IGVM_CMDLINE_OFFSET 0x100u
#define IGVM_CMDLINE_MAX 0xF00u
#define IGVM_MEMORY_MAP_OFFSET 0x1000u
#define IGVM_MEMORY_MAP_MAX 170u

struct memory_map_entry {
	uint32_t page_lo, page_hi;
	uint32_t pages_lo, pages_hi;
	uint16_t type, flags;
	uint32_t reserved;
};

void guest_main(void)
{
	const volatile uint8_t *area = (const volatile uint8_t *)(uintptr_t)IGVM_PARAMETER_AREA;
	com1_printf("IGVM vp_count=%u\n", *(const volatile uint32_t *)area);

	/* The host wrote it: print only printable bytes, and stop at the area's end. */
	com1_puts("IGVM cmdline=");
	for (uint32_t i = 0; i < IGVM_CMDLINE_MAX; i++) {
		char c = (char)area[IGVM_CMDLINE_OFFSET + i];
		if (c == 0)
			break;
		com1_putc(c >= 0x20 && c < 0x7f ? c : '?');
	}
	com1_puts("\n");

	const volatile struct memory_map_entry *map =
		(const volatile struct memory_map_entry *)(area + IGVM_MEMORY_MAP_OFFSET);
	uint32_t n = 0;
	while (n < IGVM_MEMORY_MAP_MAX && (map[n].pages_lo | map[n].pages_hi) != 0) {
		com1_printf("IGVM mem %u page=%x:%08x pages=%x:%08x type=%u\n", n,
			    map[n].page_hi, map[n].page_lo, map[n].pages_hi, map[n].pages_lo,
			    (unsigned)map[n].type);
		n++;
	}
	com1_printf("IGVM mem entries=%u\n", n);
}
