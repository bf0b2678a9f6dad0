/**
 * The Linux system calls device-translation's host side makes (files, memfd, mmap, TAP ioctls), as
 * FFM downcalls: the only place in the module with restricted FFM calls. Each failure is an {@link
 * io.parasol.backend.sys.ErrnoException} naming the operation and errno, captured per call. Not
 * here: any policy about what to call when.
 */
package io.parasol.backend.sys;
