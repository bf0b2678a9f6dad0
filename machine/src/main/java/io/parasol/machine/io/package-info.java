/**
 * The device contracts: how a port-I/O or MMIO access reaches a device, and the bus that routes
 * accesses to devices.
 *
 * <p>A device declares the {@link io.parasol.machine.io.IoRegion regions} it decodes and gets one
 * call per access with the region and an <em>offset</em> inside it, never an absolute address. The
 * {@link io.parasol.machine.io.ChipsetBus} owns the policy for accesses nobody claims. This package
 * knows nothing about hypervisors, vCPUs or the VM: it is what devices depend on, and nothing more.
 */
package io.parasol.machine.io;
