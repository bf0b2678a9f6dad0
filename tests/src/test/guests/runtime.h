/*
 * Parasol test guests: the shared runtime (port I/O, COM1 output, power-off,
 * bounded waits, IDT). Freestanding, 32-bit, no libc.
 */
#ifndef PARASOL_GUEST_RUNTIME_H
#define PARASOL_GUEST_RUNTIME_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "platform.h"

/* Each guest defines this; returning from it prints DONE and powers off. */
void guest_main(void);

static inline void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0,%1" : : "a"(v), "Nd"(port)); }
static inline void outw(uint16_t port, uint16_t v) { __asm__ volatile("outw %0,%1" : : "a"(v), "Nd"(port)); }
static inline void outl(uint16_t port, uint32_t v) { __asm__ volatile("outl %0,%1" : : "a"(v), "Nd"(port)); }
static inline uint8_t inb(uint16_t port) { uint8_t v; __asm__ volatile("inb %1,%0" : "=a"(v) : "Nd"(port)); return v; }
static inline uint16_t inw(uint16_t port) { uint16_t v; __asm__ volatile("inw %1,%0" : "=a"(v) : "Nd"(port)); return v; }
static inline uint32_t inl(uint16_t port) { uint32_t v; __asm__ volatile("inl %1,%0" : "=a"(v) : "Nd"(port)); return v; }

static inline uint32_t mmio_read32(uint32_t gpa) { return *(volatile uint32_t *)(uintptr_t)gpa; }
static inline void mmio_write32(uint32_t gpa, uint32_t v) { *(volatile uint32_t *)(uintptr_t)gpa = v; }

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void cpu_sti(void) { __asm__ volatile("sti" ::: "memory"); }
static inline void cpu_cli(void) { __asm__ volatile("cli" ::: "memory"); }

/* The 32-bit parameter the loader wrote into the image header (platform.h). */
uint32_t guest_param(void);

/* COM1 output. Lines end with "\n" only (no CR) unless a guest writes one. */
void com1_putc(char c);
void com1_write(const char *s, size_t len);
void com1_puts(const char *s);
/* printf subset: %s %c %u %d %x, with optional '0' flag and width. */
void com1_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prints "FAIL <reason>\n" and powers off; never returns. */
void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
/* Prints "DONE\n" and powers off through ACPI S5; never returns. */
void done(void) __attribute__((noreturn));
/* Writes S5 to PM1a_CNT. If the guest still runs ~100 ms later it prints
 * "FAIL still running" and halts with interrupts off. */
void acpi_poweroff(void) __attribute__((noreturn));
void halt_forever(void) __attribute__((noreturn));

/* ACPI PM timer (24 bits at 3.579545 MHz). */
uint32_t pm_timer_read(void);

/*
 * Bounded wait: returns true as soon as done(arg) is true, false once
 * timeout_ms of PM-timer time has passed or after max_polls polls, whichever
 * comes first (the poll cap keeps a frozen PM timer from hanging the guest).
 * Each poll reads the PM timer, i.e. takes one port-I/O exit.
 */
bool wait_until(bool (*cond)(void *arg), void *arg, uint32_t timeout_ms, uint32_t max_polls);

/* Interrupts: the entry code installs a 256-entry IDT whose vectors all lead
 * to a handler table. Exceptions (0-31) and vectors without a handler print
 * FAIL and power off. */
typedef void (*irq_handler_t)(uint32_t vector);
void idt_set_handler(uint8_t vector, irq_handler_t handler);

void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);

#endif
