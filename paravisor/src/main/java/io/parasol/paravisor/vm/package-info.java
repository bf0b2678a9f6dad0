/**
 * A virtual machine as Parasol runs it: one builder ({@link
 * io.parasol.paravisor.vm.VirtualMachine.Builder}) wires guest memory, chipset devices, interrupt
 * routing and vCPUs explicitly; each vCPU runs on its own platform thread and dispatches its exits
 * through the {@link io.parasol.machine.io.ChipsetBus}; one policy object ({@link
 * io.parasol.paravisor.vm.VmLifecycle}) decides how the run ends. Not here: device behaviour (see
 * {@code chipset}) or hypervisor calls (see the isolation backends).
 */
package io.parasol.paravisor.vm;
