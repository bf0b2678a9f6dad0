/**
 * The guest attestation ioctls ({@code /dev/sev-guest}, {@code /dev/tdx_guest}): their numbers,
 * struct layouts and the calls, made through the KVM backend's {@code LibC} with errno captured per
 * call. Not here: deciding which interface to use ({@code HardwareReportSources}).
 */
package io.parasol.isolation.attestation.sys;
