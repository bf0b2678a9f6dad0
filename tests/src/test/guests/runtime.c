/* Parasol test guests: the shared runtime. See runtime.h. */
#include "runtime.h"

extern const volatile uint32_t guest_header_param; /* entry.S */

uint32_t guest_param(void) { return guest_header_param; }

void *memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;
	while (n--)
		*d++ = (unsigned char)c;
	return dst;
}

void *memcpy(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;
	while (n--)
		*d++ = *s++;
	return dst;
}

/* ---- COM1 ---------------------------------------------------------------- */

/* Bounded: a UART whose THRE never sets costs at most this many polls per byte
 * (a real 16550 at 115200 baud needs ~87 us per byte),
 * after which the byte is written anyway (there is nowhere to report it). */
#define THRE_MAX_POLLS 10000u

void com1_putc(char c)
{
	for (uint32_t i = 0; i < THRE_MAX_POLLS; i++)
		if (inb(COM1_BASE + UART_LSR) & UART_LSR_THRE)
			break;
	outb(COM1_BASE + UART_THR, (uint8_t)c);
}

void com1_write(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		com1_putc(s[i]);
}

void com1_puts(const char *s)
{
	while (*s)
		com1_putc(*s++);
}

static void put_number(uint32_t v, unsigned base, int width, char pad)
{
	char buf[12];
	int n = 0;
	do {
		unsigned d = v % base;
		buf[n++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
		v /= base;
	} while (v);
	while (width > n) {
		com1_putc(pad);
		width--;
	}
	while (n)
		com1_putc(buf[--n]);
}

static void com1_vprintf(const char *fmt, va_list ap)
{
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			com1_putc(*fmt);
			continue;
		}
		fmt++;
		char pad = ' ';
		int width = 0;
		if (*fmt == '0') {
			pad = '0';
			fmt++;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		switch (*fmt) {
		case 's': com1_puts(va_arg(ap, const char *)); break;
		case 'c': com1_putc((char)va_arg(ap, int)); break;
		case 'u': put_number(va_arg(ap, unsigned), 10, width, pad); break;
		case 'x': put_number(va_arg(ap, unsigned), 16, width, pad); break;
		case 'd': {
			int v = va_arg(ap, int);
			if (v < 0) {
				com1_putc('-');
				v = -v;
			}
			put_number((uint32_t)v, 10, width, pad);
			break;
		}
		case '%': com1_putc('%'); break;
		case '\0': return;
		default: com1_putc('?'); break;
		}
	}
}

void com1_printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	com1_vprintf(fmt, ap);
	va_end(ap);
}

/* ---- Power ----------------------------------------------------------------- */

void halt_forever(void)
{
	for (;;)
		__asm__ volatile("cli; hlt");
}

uint32_t pm_timer_read(void) { return inl(ACPI_PM_TMR) & 0xFFFFFFu; }

static bool never(void *arg) { (void)arg; return false; }

void acpi_poweroff(void)
{
	cpu_cli();
	/* ACPI 6.5 §4.8.3.2.1: SLP_TYPx in bits 12:10, SLP_EN is bit 13. */
	outw(ACPI_PM1A_CNT, (uint16_t)((SLP_TYP_S5 << 10) | ACPI_SLP_EN));
	/* Grace period for a VMM that stops the vCPU asynchronously. */
	wait_until(never, NULL, 100, 20000);
	com1_puts("FAIL still running\n");
	halt_forever();
}

void done(void)
{
	com1_puts("DONE\n");
	acpi_poweroff();
}

void fail(const char *fmt, ...)
{
	va_list ap;
	cpu_cli();
	com1_puts("FAIL ");
	va_start(ap, fmt);
	com1_vprintf(fmt, ap);
	va_end(ap);
	com1_putc('\n');
	acpi_poweroff();
}

/* ---- Bounded waits ------------------------------------------------------------ */

bool wait_until(bool (*cond)(void *arg), void *arg, uint32_t timeout_ms, uint32_t max_polls)
{
	/* timeout_ms <= 4000 keeps the tick count below the 24-bit wrap (4.69 s). */
	uint32_t limit_ticks = timeout_ms * (ACPI_PM_TMR_HZ / 1000u);
	uint32_t start = pm_timer_read();
	for (uint32_t polls = 0; polls < max_polls; polls++) {
		if (cond(arg))
			return true;
		if (((pm_timer_read() - start) & 0xFFFFFFu) >= limit_ticks)
			return cond(arg);
	}
	return cond(arg);
}

/* ---- IDT ------------------------------------------------------------------------ */

struct idt_gate {
	uint16_t offset_lo;
	uint16_t selector;
	uint8_t zero;
	uint8_t type_attr;
	uint16_t offset_hi;
} __attribute__((packed));

struct isr_frame {
	uint32_t edi, esi, ebp, esp, ebx, edx, ecx, eax; /* pusha */
	uint32_t vector, error_code;
	uint32_t eip, cs, eflags;
};

extern const char isr_stubs[]; /* entry.S: 256 stubs, 16 bytes apart */
#define ISR_STUB_SIZE 16

static struct idt_gate idt[256] __attribute__((aligned(8)));
static irq_handler_t handlers[256];

void idt_init(void); /* called by entry.S before guest_main */

void idt_init(void)
{
	for (unsigned v = 0; v < 256; v++) {
		uint32_t addr = (uint32_t)(uintptr_t)(isr_stubs + v * ISR_STUB_SIZE);
		idt[v].offset_lo = (uint16_t)addr;
		idt[v].selector = 0x08;
		idt[v].zero = 0;
		idt[v].type_attr = 0x8E; /* present, DPL 0, 32-bit interrupt gate */
		idt[v].offset_hi = (uint16_t)(addr >> 16);
	}
	struct {
		uint16_t limit;
		uint32_t base;
	} __attribute__((packed)) idtr = { sizeof(idt) - 1, (uint32_t)(uintptr_t)idt };
	__asm__ volatile("lidt %0" : : "m"(idtr));
}

void idt_set_handler(uint8_t vector, irq_handler_t handler) { handlers[vector] = handler; }

void isr_dispatch(struct isr_frame *frame); /* called by entry.S */

void isr_dispatch(struct isr_frame *frame)
{
	uint32_t v = frame->vector;
	if (v >= 32 && handlers[v]) {
		handlers[v](v);
		return;
	}
	if (v < 32)
		fail("exception vector=%u error=%x eip=%08x", v, frame->error_code, frame->eip);
	fail("unexpected vector=%x eip=%08x", v, frame->eip);
}
