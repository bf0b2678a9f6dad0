/**
 * The restricted FFM layer of the KVM backend: libc downcalls ({@link
 * io.parasol.isolation.kvm.sys.LibC}, {@link io.parasol.isolation.kvm.sys.VcpuCalls}) with errno
 * captured per call, errno names, and the KVM ABI's numbers and struct offsets ({@link
 * io.parasol.isolation.kvm.sys.KvmAbi}). Every {@code Linker} use and {@code reinterpret} of the
 * backend lives here, each with a comment naming the size, lifetime and thread confinement it
 * relies on. Not here: any KVM policy (what to create, in which order, how exits are handled).
 */
package io.parasol.isolation.kvm.sys;
