/*
 * rtc: reads the CMOS RTC the way Linux's mc146818_get_time() does (wait for
 * UIP clear, read until two reads agree, decode per status B) and prints it.
 *
 * Output on success (hex register values as read):
 *   RTC status A=26 B=02 C=00 D=80
 *   RTC 2026-11-21 10:04:02
 *   DONE
 * The century comes from CMOS 0x32; if that reads 00 or is not a valid value
 * it is taken as 20 and a line "RTC century register invalid, assuming 20"
 * comes before the date.
 */
#include "runtime.h"

struct rtc_time {
	uint8_t sec, min, hour, day, mon, year, century;
};

static uint8_t cmos_read(uint8_t index)
{
	outb(CMOS_INDEX, index);
	return inb(CMOS_DATA);
}

static bool uip_clear(void *arg)
{
	(void)arg;
	return !(cmos_read(RTC_REG_A) & RTC_A_UIP);
}

static void read_raw(struct rtc_time *t)
{
	/* UIP is set at most ~2 ms per second; 1.5 s covers a stuck update. */
	if (!wait_until(uip_clear, NULL, 1500, 300000))
		fail("RTC UIP never cleared");
	t->sec = cmos_read(RTC_SECONDS);
	t->min = cmos_read(RTC_MINUTES);
	t->hour = cmos_read(RTC_HOURS);
	t->day = cmos_read(RTC_DAY);
	t->mon = cmos_read(RTC_MONTH);
	t->year = cmos_read(RTC_YEAR);
	t->century = cmos_read(CMOS_CENTURY);
}

static bool same(const struct rtc_time *a, const struct rtc_time *b)
{
	return a->sec == b->sec && a->min == b->min && a->hour == b->hour && a->day == b->day &&
	       a->mon == b->mon && a->year == b->year && a->century == b->century;
}

static bool bcd_valid(uint8_t v) { return (v & 0x0F) <= 9 && (v >> 4) <= 9; }
static uint8_t bcd_to_bin(uint8_t v) { return (uint8_t)((v >> 4) * 10 + (v & 0x0F)); }

void guest_main(void)
{
	uint8_t a = cmos_read(RTC_REG_A);
	uint8_t b = cmos_read(RTC_REG_B);
	uint8_t c = cmos_read(RTC_REG_C);
	uint8_t d = cmos_read(RTC_REG_D);
	com1_printf("RTC status A=%02x B=%02x C=%02x D=%02x\n", a, b, c, d);
	if (!(d & RTC_D_VRT))
		fail("RTC status D VRT clear (battery dead)");

	struct rtc_time t, again;
	unsigned tries = 0;
	do {
		if (++tries > 5)
			fail("RTC time unstable over 5 reads");
		read_raw(&t);
		read_raw(&again);
	} while (!same(&t, &again));

	bool binary = b & RTC_B_DM_BINARY;
	bool h24 = b & RTC_B_24H;
	bool pm = false;
	if (!h24) {
		pm = t.hour & 0x80; /* 12-hour mode: bit 7 is PM */
		t.hour &= 0x7F;
	}
	if (!binary) {
		uint8_t *fields[] = { &t.sec, &t.min, &t.hour, &t.day, &t.mon, &t.year };
		for (unsigned i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
			if (!bcd_valid(*fields[i]))
				fail("RTC field %u not BCD: %02x", i, *fields[i]);
			*fields[i] = bcd_to_bin(*fields[i]);
		}
	}
	if (!h24) {
		if (t.hour < 1 || t.hour > 12)
			fail("RTC 12-hour value out of range: %u", t.hour);
		t.hour = (uint8_t)(t.hour % 12 + (pm ? 12 : 0));
	}

	unsigned century;
	if (binary ? (t.century >= 19 && t.century <= 99)
		   : (bcd_valid(t.century) && t.century >= 0x19)) {
		century = binary ? t.century : bcd_to_bin(t.century);
	} else {
		com1_puts("RTC century register invalid, assuming 20\n");
		century = 20;
	}

	if (t.sec > 59 || t.min > 59 || t.hour > 23 || t.day < 1 || t.day > 31 || t.mon < 1 ||
	    t.mon > 12 || t.year > 99)
		fail("RTC value out of range %u-%u-%u %u:%u:%u", t.year, t.mon, t.day, t.hour,
		     t.min, t.sec);

	com1_printf("RTC %04u-%02u-%02u %02u:%02u:%02u\n", century * 100 + t.year, t.mon, t.day,
		    t.hour, t.min, t.sec);
}
