/**
 * The restricted FFM layer of the measurements: SHA-384 through OpenSSL's libcrypto ({@link
 * io.parasol.igvm.measure.sys.LibCrypto}), when the system has it. Every {@code Linker} use of the
 * module lives here, each with a comment naming the size, lifetime and thread confinement it relies
 * on. Not here: what is hashed, in which order (the measurement classes).
 */
package io.parasol.igvm.measure.sys;
