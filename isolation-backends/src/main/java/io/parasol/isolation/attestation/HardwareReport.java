package io.parasol.isolation.attestation;

/**
 * What the platform said when asked for a hardware report: an SNP report (with the host-provided
 * certificate table when there is one), a TDX quote or TDREPORT, or, on a platform without
 * confidential-computing hardware, an explicit statement that there is no hardware report.
 */
public sealed interface HardwareReport {

  /** The provider that produced the report, e.g. "sev_guest", "tdx_guest" or "none". */
  String provider();

  /**
   * An SNP ATTESTATION_REPORT and the certificate table the host attached (GUID table of VCEK/VLEK,
   * ASK, ARK; empty when the host attached none).
   */
  record Snp(String provider, byte[] report, byte[] certificateTable) implements HardwareReport {}

  /** A signed TDX quote (from configfs-tsm, which asks the quoting enclave). */
  record TdxQuote(String provider, byte[] quote) implements HardwareReport {}

  /**
   * A TDREPORT from /dev/tdx_guest: MAC'd, not signed; a quoting enclave must turn it into a quote.
   */
  record TdxReport(String provider, byte[] tdReport) implements HardwareReport {}

  /** No hardware report exists on this platform, and why (e.g. "plain KVM: no SEV-SNP or TDX"). */
  record None(String reason) implements HardwareReport {
    @Override
    public String provider() {
      return "none";
    }
  }
}
