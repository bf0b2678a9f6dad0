/*
 * interrupts: the two interrupt paths of the legacy chipset.
 *
 * 1. PIT -> 8259A PIC -> ExtINT through LAPIC LINT0 (left as KVM resets it on
 *    the BSP: ExtINT, unmasked; the LAPIC stays software-disabled here).
 *    PIC initialised like Linux's init_8259A(), vectors 0x20/0x28, IRQ0 only
 *    unmasked; PIT counter 0, mode 2, divisor 1193 (~1000 Hz).
 * 2. RTC periodic interrupt -> IOAPIC pin 8 -> MSI to the in-kernel LAPIC.
 *    The PIC is fully masked, the LAPIC software-enabled (SVR 0x1FF, TPR 0).
 *    Pin 8: vector 0x48, fixed delivery, physical destination = this CPU's
 *    LAPIC ID (0 on the BSP), EDGE-triggered, ACTIVE-HIGH: the ISA default,
 *    which is what Linux programs for legacy IRQs, and it does not depend on
 *    the VMM's level-triggered EOI (remote IRR) path. RTC register A = 0x28:
 *    32.768 kHz time base, rate 8 = 256 Hz, one interrupt every 3.906 ms.
 *    The handler reads register C (re-arms the RTC, checks PF) and writes the
 *    LAPIC EOI.
 *
 * Output on success (N counts every interrupt taken, at least 3 and 2):
 *   INTERRUPTS PIC+PIT programmed, waiting for IRQ0
 *   PIT-IRQ ok count=N
 *   APIC lapic-id=0 lapic-version=xx ioapic-version=xx ioapic-pins=24
 *   INTERRUPTS IOAPIC+RTC programmed, waiting for IRQ8
 *   RTC-IRQ ok count=N
 *   DONE
 * Each wait is bounded by 1 s of PM-timer time: "FAIL PIT-IRQ timeout count=N"
 * / "FAIL RTC-IRQ timeout count=N".
 */
#include "runtime.h"

#define PIT_DIVISOR 1193u /* 1193182 / 1193 = 1000.15 Hz */
#define RTC_REG_A_256HZ 0x28
#define WAIT_MS 1000
#define WAIT_MAX_POLLS 400000u

static volatile uint32_t pit_irqs;
static volatile uint32_t rtc_irqs;
static volatile uint32_t rtc_irqs_without_pf;

static uint8_t cmos_read(uint8_t index)
{
	outb(CMOS_INDEX, index);
	return inb(CMOS_DATA);
}

static void cmos_write(uint8_t index, uint8_t value)
{
	outb(CMOS_INDEX, index);
	outb(CMOS_DATA, value);
}

static uint32_t ioapic_read(uint8_t reg)
{
	mmio_write32(IOAPIC_BASE + IOAPIC_IOREGSEL, reg);
	return mmio_read32(IOAPIC_BASE + IOAPIC_IOWIN);
}

static void ioapic_write(uint8_t reg, uint32_t value)
{
	mmio_write32(IOAPIC_BASE + IOAPIC_IOREGSEL, reg);
	mmio_write32(IOAPIC_BASE + IOAPIC_IOWIN, value);
}

static void pit_irq(uint32_t vector)
{
	(void)vector;
	pit_irqs++;
	outb(PIC1_CMD, PIC_EOI);
}

static void pic_spurious_master(uint32_t vector) { (void)vector; /* IRQ7: no EOI */ }
static void pic_spurious_slave(uint32_t vector) { (void)vector; outb(PIC1_CMD, PIC_EOI); }
static void lapic_spurious(uint32_t vector) { (void)vector; /* SDM: no EOI */ }

static void rtc_irq(uint32_t vector)
{
	(void)vector;
	uint8_t c = cmos_read(RTC_REG_C);
	if (c & RTC_C_PF)
		rtc_irqs++;
	else
		rtc_irqs_without_pf++;
	mmio_write32(LAPIC_BASE + LAPIC_EOI, 0);
}

static bool at_least(void *arg)
{
	const uint32_t *want_and_counter = arg;
	return *(volatile uint32_t *)(uintptr_t)want_and_counter[1] >= want_and_counter[0];
}

static bool wait_count(volatile uint32_t *counter, uint32_t want)
{
	uint32_t args[2] = { want, (uint32_t)(uintptr_t)counter };
	return wait_until(at_least, args, WAIT_MS, WAIT_MAX_POLLS);
}

static void pic_init(void)
{
	/* Linux arch/x86/kernel/i8259.c init_8259A(). */
	outb(PIC1_DATA, 0xFF);
	outb(PIC2_DATA, 0xFF);
	outb(PIC1_CMD, 0x11);		/* ICW1: edge, cascade, ICW4 needed */
	outb(PIC1_DATA, VEC_PIC1_BASE);	/* ICW2 */
	outb(PIC1_DATA, 0x04);		/* ICW3: slave on IR2 */
	outb(PIC1_DATA, 0x01);		/* ICW4: 8086 mode, normal EOI */
	outb(PIC2_CMD, 0x11);
	outb(PIC2_DATA, VEC_PIC2_BASE);
	outb(PIC2_DATA, 0x02);		/* ICW3: cascade identity 2 */
	outb(PIC2_DATA, 0x01);
	outb(PIC1_DATA, 0xFE);		/* only IRQ0 */
	outb(PIC2_DATA, 0xFF);
	uint8_t imr1 = inb(PIC1_DATA), imr2 = inb(PIC2_DATA);
	if (imr1 != 0xFE || imr2 != 0xFF)
		fail("PIC IMR wrote fe/ff read %02x/%02x", imr1, imr2);
}

static void pit_phase(void)
{
	idt_set_handler(VEC_PIC1_BASE + 0, pit_irq);
	idt_set_handler(VEC_PIC1_BASE + 7, pic_spurious_master);
	idt_set_handler(VEC_PIC2_BASE + 7, pic_spurious_slave);
	pic_init();
	outb(PIT_CMD, 0x34);		/* counter 0, lobyte/hibyte, mode 2, binary */
	outb(PIT_CH0, PIT_DIVISOR & 0xFF);
	outb(PIT_CH0, PIT_DIVISOR >> 8);

	com1_puts("INTERRUPTS PIC+PIT programmed, waiting for IRQ0\n");
	cpu_sti();
	bool ok = wait_count(&pit_irqs, 3);
	cpu_cli();
	outb(PIC1_DATA, 0xFF);
	outb(PIC2_DATA, 0xFF);
	if (!ok)
		fail("PIT-IRQ timeout count=%u", pit_irqs);
	com1_printf("PIT-IRQ ok count=%u\n", pit_irqs);
}

static void rtc_phase(void)
{
	uint64_t apic_base = rdmsr(MSR_IA32_APIC_BASE);
	if (!(apic_base & (1u << 11)) || (apic_base & (1u << 10)) ||
	    (apic_base & 0xFFFFF000u) != LAPIC_BASE)
		fail("APIC base MSR %08x: want enabled, xAPIC mode, at fee00000",
		     (uint32_t)apic_base);
	uint32_t lapic_id = mmio_read32(LAPIC_BASE + LAPIC_ID) >> 24;
	uint32_t lapic_version = mmio_read32(LAPIC_BASE + LAPIC_VERSION) & 0xFF;
	mmio_write32(LAPIC_BASE + LAPIC_TPR, 0);
	mmio_write32(LAPIC_BASE + LAPIC_SVR, LAPIC_SVR_ENABLE | VEC_SPURIOUS);
	uint32_t svr = mmio_read32(LAPIC_BASE + LAPIC_SVR);
	if ((svr & 0x1FF) != (LAPIC_SVR_ENABLE | VEC_SPURIOUS))
		fail("LAPIC SVR wrote 1ff read %03x", svr & 0x1FF);

	uint32_t ioapic_version = ioapic_read(IOAPIC_REG_VER);
	uint32_t pins = ((ioapic_version >> 16) & 0xFF) + 1;
	com1_printf("APIC lapic-id=%u lapic-version=%02x ioapic-version=%02x ioapic-pins=%u\n",
		    lapic_id, lapic_version, ioapic_version & 0xFF, pins);
	if (pins <= IOAPIC_PIN_RTC)
		fail("IOAPIC has %u pins, need pin %u", pins, IOAPIC_PIN_RTC);

	idt_set_handler(VEC_RTC_IOAPIC, rtc_irq);
	idt_set_handler(VEC_SPURIOUS, lapic_spurious);
	/* Redirection entry: destination first, then the low word unmasks. Low
	 * word: vector, fixed (000), physical, active-high (bit 13 = 0), edge
	 * (bit 15 = 0), unmasked (bit 16 = 0). */
	uint32_t redir_lo = VEC_RTC_IOAPIC;
	ioapic_write(IOAPIC_REDTBL(IOAPIC_PIN_RTC) + 1, lapic_id << 24);
	ioapic_write(IOAPIC_REDTBL(IOAPIC_PIN_RTC), redir_lo);
	uint32_t lo = ioapic_read(IOAPIC_REDTBL(IOAPIC_PIN_RTC));
	if ((lo & ~0x5000u) != redir_lo) /* bits 12, 14 are read-only status */
		fail("IOAPIC pin 8 wrote %08x read %08x", redir_lo, lo);

	cmos_write(RTC_REG_A, RTC_REG_A_256HZ);
	(void)cmos_read(RTC_REG_C); /* drop any stale flag */
	cmos_write(RTC_REG_B, cmos_read(RTC_REG_B) | RTC_B_PIE);

	com1_puts("INTERRUPTS IOAPIC+RTC programmed, waiting for IRQ8\n");
	cpu_sti();
	bool ok = wait_count(&rtc_irqs, 2);
	cpu_cli();
	cmos_write(RTC_REG_B, cmos_read(RTC_REG_B) & ~RTC_B_PIE);
	ioapic_write(IOAPIC_REDTBL(IOAPIC_PIN_RTC), redir_lo | (1u << 16));
	(void)cmos_read(RTC_REG_C);
	if (!ok)
		fail("RTC-IRQ timeout count=%u without-pf=%u", rtc_irqs, rtc_irqs_without_pf);
	com1_printf("RTC-IRQ ok count=%u\n", rtc_irqs);
}

void guest_main(void)
{
	pit_phase();
	rtc_phase();
}
