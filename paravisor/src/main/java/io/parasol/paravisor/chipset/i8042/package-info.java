/**
 * The Intel 8042 keyboard controller (ports 0x60/0x64) with a minimal PS/2 keyboard and mouse
 * behind it: enough for Linux's {@code i8042} and {@code atkbd}/{@code psmouse} probes and for the
 * controller's CPU reset line. Not here: key or mouse input (no scancodes are ever produced) and
 * the A20 gate (A20 is always enabled).
 */
package io.parasol.paravisor.chipset.i8042;
