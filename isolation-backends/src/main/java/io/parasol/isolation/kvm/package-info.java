/**
 * The {@code kvm} isolation backend: Parasol as an ordinary Linux process over {@code /dev/kvm}.
 * {@link io.parasol.isolation.kvm.Kvm} opens the device, {@link
 * io.parasol.isolation.kvm.KvmPartition} is a VM with memfd-backed RAM and KVM's split irqchip
 * (local APICs in the kernel, PIC and IOAPIC in Parasol), and {@link
 * io.parasol.isolation.kvm.KvmVirtualProcessor} runs a vCPU, decoding exits into {@link
 * io.parasol.isolation.CpuIo} calls over the {@code kvm_run} page without allocating. Native calls
 * go through {@code io.parasol.isolation.kvm.sys}. Not here: device models or VM policy.
 */
package io.parasol.isolation.kvm;
