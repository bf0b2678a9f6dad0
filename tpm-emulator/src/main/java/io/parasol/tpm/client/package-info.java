/**
 * The platform's side of the command interface: what firmware, a measuring loader or the paravisor
 * itself sends to a {@link io.parasol.tpm.TpmEngine} before and beside the guest (TPM2_Startup, PCR
 * extensions, capability queries), marshalled and checked in one place.
 */
package io.parasol.tpm.client;
