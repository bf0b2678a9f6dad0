/**
 * Guest-physical memory as devices and loaders see it: bounded, checked accesses that fail with a
 * reason ({@link io.parasol.machine.memory.GuestMemoryException}) rather than touching memory they
 * should not. Not here: how memory is allocated or registered with a hypervisor (that is the
 * isolation backend's job).
 */
package io.parasol.machine.memory;
