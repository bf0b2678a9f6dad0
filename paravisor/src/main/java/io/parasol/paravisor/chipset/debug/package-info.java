/**
 * Ports guests write to for their developers: the POST code port 0x80 and the Bochs/QEMU debug
 * console port 0xE9. Not here: the serial console (see the UART).
 */
package io.parasol.paravisor.chipset.debug;
