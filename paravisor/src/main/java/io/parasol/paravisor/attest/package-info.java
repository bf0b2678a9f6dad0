/**
 * Evidence for the guest: {@link io.parasol.paravisor.attest.GuestAttestation} answers a guest that
 * writes 64 bytes to vTPM NV index 0x01400002 by putting fresh evidence — the hardware report whose
 * REPORT_DATA is the hash of the runtime claims (the vTPM's EK and AK, the VM configuration, the
 * guest's bytes) — into NV index 0x01400001, the indices OpenHCL uses, so the guest needs no
 * driver: {@code tpm2_nvwrite} and {@code tpm2_nvread} do.
 */
package io.parasol.paravisor.attest;
