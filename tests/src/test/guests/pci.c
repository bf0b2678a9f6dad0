/*
 * pci: probes configuration mechanism #1 like Linux's pci_check_type1(), then
 * walks bus 0, devices 0-31 (functions 1-7 only when function 0's header type
 * has the multi-function bit), printing one line per function found.
 *
 * Output on success, one PCI line per function, in bus/device/function order:
 *   PCI 00:00.0 8086:29c0 class 060000
 *   PCI functions=1
 *   DONE
 * FAILs unless 00:00.0 exists with vendor 8086 and base class 06 (bridge).
 */
#include "runtime.h"

static uint32_t pci_read32(unsigned bus, unsigned dev, unsigned fn, unsigned offset)
{
	outl(PCI_CONFIG_ADDRESS,
	     0x80000000u | bus << 16 | dev << 11 | fn << 8 | (offset & 0xFC));
	return inl(PCI_CONFIG_DATA);
}

static bool probe_function(unsigned dev, unsigned fn, uint8_t *header_type)
{
	uint32_t id = pci_read32(0, dev, fn, 0x00);
	if ((id & 0xFFFF) == 0xFFFF || (id & 0xFFFF) == 0x0000)
		return false;
	uint32_t class_rev = pci_read32(0, dev, fn, 0x08);
	*header_type = (uint8_t)(pci_read32(0, dev, fn, 0x0C) >> 16);
	com1_printf("PCI 00:%02x.%u %04x:%04x class %06x\n", dev, fn, id & 0xFFFF, id >> 16,
		    class_rev >> 8);
	if (dev == 0 && fn == 0) {
		if ((id & 0xFFFF) != 0x8086)
			fail("PCI 00:00.0 vendor %04x, want 8086", id & 0xFFFF);
		if ((class_rev >> 24) != 0x06)
			fail("PCI 00:00.0 class %06x is not a bridge", class_rev >> 8);
	}
	return true;
}

void guest_main(void)
{
	/* pci_check_type1(): CONFIG_ADDRESS must read back what was written. */
	outl(PCI_CONFIG_ADDRESS, 0x80000000u);
	uint32_t readback = inl(PCI_CONFIG_ADDRESS);
	if (readback != 0x80000000u)
		fail("PCI CONFIG_ADDRESS wrote 80000000 read %08x", readback);

	unsigned found = 0;
	for (unsigned dev = 0; dev < 32; dev++) {
		uint8_t header_type = 0;
		if (!probe_function(dev, 0, &header_type)) {
			if (dev == 0)
				fail("PCI no host bridge at 00:00.0");
			continue;
		}
		found++;
		if (header_type & 0x80)
			for (unsigned fn = 1; fn < 8; fn++) {
				uint8_t ignored;
				if (probe_function(dev, fn, &ignored))
					found++;
			}
	}
	outl(PCI_CONFIG_ADDRESS, 0);
	com1_printf("PCI functions=%u\n", found);
}
