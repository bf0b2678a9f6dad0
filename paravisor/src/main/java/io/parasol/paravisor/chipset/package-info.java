/**
 * The legacy PC devices an unmodified x86 OS expects, one class per part, each written to its
 * datasheet and reached only through the {@code machine} contracts. Not here: how devices are wired
 * to IRQs or ports in a particular VM (see {@code io.parasol.paravisor.vm}).
 */
package io.parasol.paravisor.chipset;
