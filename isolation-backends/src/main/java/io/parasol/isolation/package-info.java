/**
 * What the paravisor needs from whatever isolates the guest: a {@link
 * io.parasol.isolation.Partition} (guest memory, vCPUs, interrupt delivery, notifiers) and {@link
 * io.parasol.isolation.VirtualProcessor}s whose exits are decoded into {@link
 * io.parasol.isolation.CpuIo} calls. Backends: {@code kvm} (a Linux process over /dev/kvm), and
 * later {@code snp} and {@code tdx}; and {@link io.parasol.isolation.HeapPartition}, a fake on the
 * heap for tests that wire devices but run no guest. Not here: devices or VM policy.
 */
package io.parasol.isolation;
