/**
 * AMD SEV-SNP formats: the ATTESTATION_REPORT (v2, v3, v5), TCB_VERSION in the Milan/Genoa and
 * Turin layouts, and product detection. Parsing only: signature and certificate checks are the
 * verifier's (host-tools {@code io.parasol.tools.attest}).
 */
package io.parasol.isolation.snp;
