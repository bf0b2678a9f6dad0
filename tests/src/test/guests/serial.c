/*
 * serial: initialises COM1 like Linux, checks LCR, divisor latch and scratch
 * register read-back, then writes a fixed text the Java test compares byte
 * for byte: every printable byte 0x20-0x7E, and one CR LF pair.
 *
 * Output on success (lines end with LF; the printable line ends with CR LF):
 *   SERIAL start
 *   LCR ok
 *   DLAB ok divisor=1
 *   SCR ok
 *   <bytes 0x20..0x7E> CR LF
 *   SERIAL end
 *   DONE
 */
#include "runtime.h"

static void uart_init(void)
{
	/* The sequence of Linux's arch/x86/boot/early_serial_console.c, plus the
	 * FIFO enable the 8250 driver does later (FCR: enable, clear RX/TX). */
	outb(COM1_BASE + UART_LCR, 0x03);	/* 8N1 */
	outb(COM1_BASE + UART_IER, 0x00);	/* no interrupts */
	outb(COM1_BASE + UART_FCR, 0x00);	/* no FIFO yet */
	outb(COM1_BASE + UART_MCR, 0x03);	/* DTR | RTS */
	uint8_t lcr = inb(COM1_BASE + UART_LCR);
	outb(COM1_BASE + UART_LCR, lcr | UART_LCR_DLAB);
	outb(COM1_BASE + UART_DLL, 0x01);	/* 115200 baud */
	outb(COM1_BASE + UART_DLM, 0x00);
	outb(COM1_BASE + UART_LCR, lcr & ~UART_LCR_DLAB);
	outb(COM1_BASE + UART_FCR, 0x07);
}

static void check_lcr_and_divisor(void)
{
	uint8_t lcr = inb(COM1_BASE + UART_LCR);
	if (lcr != 0x03)
		fail("LCR wrote 03 read %02x", lcr);
	com1_puts("LCR ok\n");

	outb(COM1_BASE + UART_LCR, 0x03 | UART_LCR_DLAB);
	uint8_t dll = inb(COM1_BASE + UART_DLL);
	uint8_t dlm = inb(COM1_BASE + UART_DLM);
	outb(COM1_BASE + UART_LCR, 0x03);
	unsigned divisor = (unsigned)dlm << 8 | dll;
	if (divisor != 1)
		fail("DLAB divisor wrote 0001 read %04x", divisor);
	com1_printf("DLAB ok divisor=%u\n", divisor);
}

static void check_scratch(void)
{
	static const uint8_t patterns[] = { 0x5A, 0xA5, 0x00, 0xFF };
	for (unsigned i = 0; i < sizeof(patterns); i++) {
		outb(COM1_BASE + UART_SCR, patterns[i]);
		uint8_t got = inb(COM1_BASE + UART_SCR);
		if (got != patterns[i])
			fail("SCR wrote %02x read %02x", patterns[i], got);
	}
	com1_puts("SCR ok\n");
}

void guest_main(void)
{
	uart_init();
	com1_puts("SERIAL start\n");
	check_lcr_and_divisor();
	check_scratch();
	for (unsigned c = 0x20; c <= 0x7E; c++)
		com1_putc((char)c);
	com1_write("\r\n", 2);
	com1_puts("SERIAL end\n");
}
