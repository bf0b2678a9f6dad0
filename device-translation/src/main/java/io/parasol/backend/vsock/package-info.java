/**
 * Host endpoints for the emulated vsock device over Unix domain sockets, in the convention
 * Firecracker and Cloud Hypervisor use ("hybrid vsock"). Not here: the vsock protocol itself.
 */
package io.parasol.backend.vsock;
