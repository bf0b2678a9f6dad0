/**
 * Manufacturing a vTPM as a TPM vendor would: creating its Endorsement Keys from the TCG EK
 * Credential Profile templates (low range: RSA-2048 template L-1, ECC NIST P-256 template L-2) and
 * provisioning an X.509 EK certificate, issued by a CA the caller supplies, into the profile's NV
 * index (0x01C00002 for RSA, 0x01C0000A for ECC). Everything goes through TPM commands sent to a
 * {@link io.parasol.tpm.TpmEngine}, as a manufacturing line drives a real TPM. {@code parasol tpm
 * manufacture} is the command line.
 */
package io.parasol.tpm.manufacture;
