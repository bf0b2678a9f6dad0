/**
 * Hardware attestation in the guest: asking the platform for a report ({@link
 * io.parasol.isolation.attestation.HardwareReportSource} over configfs-tsm, /dev/sev-guest,
 * /dev/tdx_guest, or an explicit "no hardware report" on plain KVM), the evidence format that
 * carries it to a verifier, and the runtime-claims document the report binds. The report formats
 * themselves are parsed in {@code io.parasol.isolation.snp} and {@code io.parasol.isolation.tdx}.
 * Not here: verification (host-tools {@code io.parasol.tools.attest}).
 */
package io.parasol.isolation.attestation;
