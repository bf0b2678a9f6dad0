/**
 * Attestation verification: {@link io.parasol.tools.attest.EvidenceVerifier} checks Parasol {@code
 * Evidence} (SEV-SNP, TDX, Azure CVM HCL, or no hardware) with its vTPM quotes and event logs under
 * a JSON {@link io.parasol.tools.attest.Policy}, and returns a {@link
 * io.parasol.tools.attest.Verdict} naming every claim checked. The trust anchors are pinned ({@link
 * io.parasol.tools.attest.PinnedRoots}). {@link io.parasol.tools.attest.AttestService} is the
 * stateless HTTP service around it. Not here: producing evidence (the paravisor) or parsing the
 * hardware formats (isolation-backends {@code .snp}, {@code .tdx}).
 */
package io.parasol.tools.attest;
