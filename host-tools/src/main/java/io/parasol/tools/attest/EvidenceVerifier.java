package io.parasol.tools.attest;

import com.google.gson.Gson;
import io.parasol.isolation.attestation.MalformedEvidenceException;
import io.parasol.isolation.attestation.RuntimeClaims;
import io.parasol.isolation.attestation.proto.AzureHclEvidence;
import io.parasol.isolation.attestation.proto.Evidence;
import io.parasol.isolation.attestation.proto.TpmQuote;
import io.parasol.isolation.snp.SnpReport;
import io.parasol.isolation.snp.TcbVersion;
import io.parasol.isolation.tdx.TdReport;
import io.parasol.isolation.tdx.TdxQuote;
import io.parasol.tpm.crypto.HashAlgorithm;
import io.parasol.tpm.eventlog.EventLogException;
import io.parasol.tpm.eventlog.PcrReplay;
import io.parasol.tpm.eventlog.TcgEvent;
import io.parasol.tpm.eventlog.TcgEventLog;
import io.parasol.tpm.eventlog.TcgEventType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Verifies a piece of {@link Evidence} end to end under a {@link Policy}: the hardware report and
 * its certificates, the binding of the runtime claims (REPORT_DATA = SHA-512 of the claims, or the
 * Azure HCL's hash of its variable data), the vTPM quotes by the attestation key the claims name,
 * their nonce and PCR digests, the event logs' replay (TCG log to the quoted PCRs, CCEL to the
 * RTMRs), and the policy. Stateless and thread-safe: one instance serves any number of threads.
 */
public final class EvidenceVerifier {
  private static final Gson GSON = new Gson();

  private EvidenceVerifier() {}

  /**
   * Verifies {@code evidence}.
   *
   * @param nonce the nonce the relying party issued (the TPM quotes' extraData), or null
   * @param at the verification time (certificate validity, evidence age)
   */
  public static Verdict verify(Evidence evidence, Policy policy, byte[] nonce, Instant at) {
    return verify(evidence, policy, nonce, at, new Verdict());
  }

  /** {@link #verify(Evidence, Policy, byte[], Instant)}, adding to claims already in {@code v}. */
  public static Verdict verify(
      Evidence evidence, Policy policy, byte[] nonce, Instant at, Verdict v) {
    try {
      new Run(evidence, policy, nonce, at, v).run();
    } catch (RuntimeException e) {
      // A bug or an input no check anticipated: still a verdict, never a crash.
      v.fail("verifier", "the verifier could not check the evidence: " + e);
    }
    return v;
  }

  /** One verification's state. */
  private static final class Run {
    final Evidence e;
    final Policy policy;
    final byte[] nonce;
    final Instant at;
    final Verdict v;

    /** The bytes REPORT_DATA must equal, and what they are the hash of. */
    byte[] reportData;

    boolean hardwareOk;
    byte[] measurement;
    boolean debug;
    PublicKey hardwareAk;
    byte[][] rtmrs;
    String platform;

    Run(Evidence e, Policy policy, byte[] nonce, Instant at, Verdict v) {
      this.e = e;
      this.policy = policy;
      this.nonce = nonce;
      this.at = at;
      this.v = v;
    }

    void run() {
      if (!v.check(
          "evidence.format",
          e.getFormatVersion() == 1,
          "the evidence format version is "
              + e.getFormatVersion()
              + (e.getFormatVersion() == 1 ? "" : ", not 1"))) {
        return;
      }
      platform =
          switch (e.getHardwareCase()) {
            case SNP -> "snp";
            case TDX -> "tdx";
            case AZURE_HCL -> azurePlatform(e.getAzureHcl());
            case NONE -> "none";
            case HARDWARE_NOT_SET -> "unknown";
          };
      v.platform(platform);
      if (!v.check(
          "policy.platform",
          policy.platforms().contains(platform),
          policy.platforms().contains(platform)
              ? "the policy allows platform " + platform
              : platform.equals("none")
                  ? "the evidence has no hardware report and the policy requires one of "
                      + String.join(", ", new java.util.TreeSet<>(policy.platforms()))
                  : "the policy does not allow platform " + platform)) {
        return;
      }
      Optional<RuntimeClaims> claims = claims();
      switch (e.getHardwareCase()) {
        case SNP -> snp();
        case TDX -> tdx();
        case AZURE_HCL -> azure();
        case NONE ->
            v.pass("hardware.none", "the platform reports no hardware: " + e.getNone().getReason());
        default -> v.fail("hardware", "the evidence names no platform");
      }
      if (claims.isPresent() && reportData != null && !platform.startsWith("azure")) {
        byte[] expected = RuntimeClaims.reportDataFor(e.getRuntimeClaims().toByteArray());
        v.check(
            "binding.report-data",
            MessageDigest.isEqual(expected, reportData),
            MessageDigest.isEqual(expected, reportData)
                ? "REPORT_DATA is SHA-512 of the runtime claims"
                : "REPORT_DATA "
                    + Hex.brief(reportData)
                    + " is not SHA-512 of the runtime claims "
                    + Hex.brief(expected));
      }
      if (claims.isPresent()) {
        String iso = claims.get().isolation();
        String expectedIso = platform.startsWith("azure") ? platform.substring(6) : platform;
        v.check(
            "claims.isolation",
            iso.equals(expectedIso),
            "the runtime claims say isolation '"
                + iso
                + "'"
                + (iso.equals(expectedIso)
                    ? ""
                    : " but the evidence is from platform " + platform));
      }
      PublicKey ak = attestationKey(claims);
      Map<Integer, Map<Integer, byte[]>> quoted = quotes(ak);
      eventLog(quoted);
      ccel();
      policyChecks(quoted);
    }

    private String azurePlatform(AzureHclEvidence a) {
      try {
        return AzureHclReport.parse(a.getHclReport().toByteArray()).reportType()
                == AzureHclReport.REPORT_TYPE_TDX
            ? "azure-tdx"
            : "azure-snp";
      } catch (MalformedEvidenceException x) {
        return "azure-snp";
      }
    }

    private Optional<RuntimeClaims> claims() {
      byte[] bytes = e.getRuntimeClaims().toByteArray();
      if (bytes.length == 0) {
        v.check(
            "claims.present",
            !policy.requireRuntimeClaims() || platform.startsWith("azure"),
            platform.startsWith("azure")
                ? "the Azure HCL report's variable data is the runtime claims"
                : policy.requireRuntimeClaims()
                    ? "the evidence carries no runtime claims and the policy requires them"
                    : "the evidence carries no runtime claims (the policy does not require them)");
        return Optional.empty();
      }
      try {
        Object tree = GSON.fromJson(new String(bytes, StandardCharsets.UTF_8), Object.class);
        RuntimeClaims c = RuntimeClaims.fromTree(tree);
        boolean canonical = Arrays.equals(c.toCanonicalJson(), bytes);
        v.check(
            "claims.canonical",
            canonical,
            canonical
                ? "the runtime claims are canonical JSON of schema version 1"
                : "the runtime claims are not in canonical form (sorted keys, no whitespace)");
        return canonical ? Optional.of(c) : Optional.empty();
      } catch (MalformedEvidenceException x) {
        v.fail("claims.schema", x.getMessage());
      } catch (RuntimeException x) {
        v.fail("claims.schema", "the runtime claims are not JSON");
      }
      return Optional.empty();
    }

    private void snp() {
      SnpReport report;
      try {
        report = SnpReport.parse(e.getSnp().getReport().toByteArray());
      } catch (MalformedEvidenceException x) {
        v.fail("snp.report", x.getMessage());
        return;
      }
      List<X509Certificate> certs = new ArrayList<>();
      for (var c : e.getSnp().getCertificatesList()) {
        try {
          certs.addAll(Certificates.parse(c.toByteArray()));
        } catch (CertificateException x) {
          v.fail(
              "snp.certificates",
              "a certificate in the evidence does not parse: " + x.getMessage());
          return;
        }
      }
      snpReport(report, certs);
    }

    private void snpReport(SnpReport report, List<X509Certificate> certs) {
      Optional<SnpVerifier.Result> r = SnpVerifier.verify(report, certs, at, v);
      reportData = report.reportData();
      measurement = report.measurement();
      debug = report.debugAllowed();
      hardwareOk = r.isPresent();
      if (r.isPresent()) {
        TcbVersion tcb = r.get().reportedTcb();
        if (!policy.minTcb().isEmpty()) {
          Map<String, Integer> m = policy.minTcb();
          TcbVersion min =
              new TcbVersion(
                  tcb.product(),
                  0,
                  m.getOrDefault("fmc", 0),
                  m.getOrDefault("bootLoader", 0),
                  m.getOrDefault("tee", 0),
                  m.getOrDefault("snp", 0),
                  m.getOrDefault("microcode", 0));
          v.check(
              "policy.min-tcb",
              tcb.atLeast(min),
              tcb.atLeast(min)
                  ? "REPORTED_TCB " + tcb + " is at least the policy's " + min
                  : "REPORTED_TCB " + tcb + " is below the policy's minimum " + min);
        }
      }
      if (policy.vmpl().isPresent()) {
        v.check(
            "policy.vmpl",
            report.vmpl() == policy.vmpl().getAsInt(),
            "the report is from VMPL "
                + report.vmpl()
                + (report.vmpl() == policy.vmpl().getAsInt() ? ", as" : ", but")
                + " the policy requires VMPL "
                + policy.vmpl().getAsInt());
      }
    }

    private void tdx() {
      TdxQuote quote;
      try {
        quote = TdxQuote.parse(e.getTdx().getQuote().toByteArray());
      } catch (MalformedEvidenceException x) {
        v.fail("tdx.quote", x.getMessage());
        return;
      }
      Optional<TdxVerifier.Result> r = tdxQuote(quote);
      var t = e.getTdx();
      if (r.isPresent() && (!t.getTcbInfo().isEmpty() || !t.getQeIdentity().isEmpty())) {
        TdxCollateral.verify(
            quote,
            r.get().pckLeaf(),
            t.getTcbInfo().toByteArray(),
            t.getQeIdentity().toByteArray(),
            t.getCollateralIssuerChain().toByteArray(),
            policy.tdxTcbStatuses(),
            at,
            v);
      }
    }

    private Optional<TdxVerifier.Result> tdxQuote(TdxQuote quote) {
      Optional<TdxVerifier.Result> r = TdxVerifier.verify(quote, at, v);
      hardwareOk = r.isPresent();
      reportData = quote.reportData();
      measurement = quote.mrTd();
      debug = quote.debug();
      rtmrs = new byte[][] {quote.rtmr(0), quote.rtmr(1), quote.rtmr(2), quote.rtmr(3)};
      return r;
    }

    private void azure() {
      AzureHclEvidence a = e.getAzureHcl();
      AzureHclReport hcl;
      byte[] expected;
      try {
        hcl = AzureHclReport.parse(a.getHclReport().toByteArray());
        expected = hcl.expectedReportData();
        hardwareAk = hcl.key("HCLAkPub").orElse(null);
      } catch (MalformedEvidenceException x) {
        v.fail("azure.hcl-report", x.getMessage());
        return;
      }
      if (hcl.reportType() == AzureHclReport.REPORT_TYPE_SNP) {
        SnpReport report;
        List<X509Certificate> certs = new ArrayList<>();
        try {
          report = SnpReport.parse(hcl.hwReport());
          for (var c : a.getCertificatesList()) {
            certs.addAll(Certificates.parse(c.toByteArray()));
          }
        } catch (MalformedEvidenceException | CertificateException x) {
          v.fail("azure.snp-report", x.getMessage());
          return;
        }
        snpReport(report, certs);
      } else {
        TdReport td;
        TdxQuote quote;
        try {
          td = TdReport.parse(hcl.hwReport());
          quote = TdxQuote.parse(a.getTdQuote().toByteArray());
        } catch (MalformedEvidenceException x) {
          v.fail("azure.td-quote", x.getMessage());
          return;
        }
        tdxQuote(quote);
        boolean same =
            Arrays.equals(td.mrTd(), quote.mrTd())
                && Arrays.equals(td.reportData(), quote.reportData())
                && Arrays.equals(td.rtmr(0), quote.rtmr(0))
                && Arrays.equals(td.rtmr(1), quote.rtmr(1))
                && Arrays.equals(td.rtmr(2), quote.rtmr(2))
                && Arrays.equals(td.rtmr(3), quote.rtmr(3));
        v.check(
            "azure.tdreport-matches-quote",
            same,
            same
                ? "the HCL's TDREPORT has the TD quote's MRTD, RTMRs and REPORTDATA"
                : "the HCL's TDREPORT differs from the TD quote in MRTD, RTMRs or REPORTDATA");
      }
      boolean bound = reportData != null && MessageDigest.isEqual(expected, reportData);
      v.check(
          "binding.report-data",
          bound,
          bound
              ? "REPORT_DATA is the hash of the HCL variable data (the vTPM keys and VM configuration)"
              : "REPORT_DATA is not the hash of the HCL variable data");
    }

    private PublicKey attestationKey(Optional<RuntimeClaims> claims) {
      PublicKey ak = null;
      String source = null;
      if (claims.isPresent()) {
        try {
          ak = Jwk.toPublicKey(claims.get().ak());
          source = "the runtime claims";
        } catch (MalformedEvidenceException x) {
          v.fail("claims.ak", "the runtime claims' AK is unusable: " + x.getMessage());
          return null;
        }
      } else if (hardwareAk != null) {
        ak = hardwareAk;
        source = "the HCL report's HCLAkPub";
      }
      if (!e.getAkTpmtPublic().isEmpty()) {
        try {
          PublicKey given = TpmStructures.parsePublic(e.getAkTpmtPublic().toByteArray());
          if (ak != null) {
            v.check(
                "tpm.ak-matches",
                Arrays.equals(given.getEncoded(), ak.getEncoded()),
                "the evidence's AK "
                    + (Arrays.equals(given.getEncoded(), ak.getEncoded()) ? "is" : "is not")
                    + " the AK "
                    + source
                    + " name");
          } else {
            ak = given;
            source = "the evidence's TPMT_PUBLIC (not bound to hardware)";
          }
        } catch (TpmStructures.TpmFormatException x) {
          v.fail("tpm.ak", x.getMessage());
          return null;
        }
      }
      if (ak != null && e.getAkCertificatesCount() > 0) {
        try {
          X509Certificate cert =
              Certificates.parse(e.getAkCertificates(0).toByteArray()).getFirst();
          boolean same = Arrays.equals(cert.getPublicKey().getEncoded(), ak.getEncoded());
          v.check(
              "tpm.ak-certificate",
              same && Certificates.validAt(cert, at),
              "the AK certificate (issued by "
                  + Certificates.cn(cert.getIssuerX500Principal())
                  + ", whose chain is not verified here)"
                  + (same ? " names the AK" : " names a different key")
                  + (Certificates.validAt(cert, at) ? "" : " and does not cover " + at));
        } catch (CertificateException x) {
          v.fail("tpm.ak-certificate", "the AK certificate does not parse: " + x.getMessage());
        }
      }
      if (ak != null) {
        v.pass("tpm.ak-source", "the attestation key comes from " + source);
      }
      return ak;
    }

    /** Verifies every quote; returns verified PCR values by bank. */
    private Map<Integer, Map<Integer, byte[]>> quotes(PublicKey ak) {
      Map<Integer, Map<Integer, byte[]>> banks = new TreeMap<>();
      if (e.getTpmQuotesCount() == 0) {
        v.check(
            "tpm.quote-present",
            !policy.requireTpmQuote(),
            policy.requireTpmQuote()
                ? "the evidence carries no TPM quote and the policy requires one"
                : "the evidence carries no TPM quote (the policy does not require one)");
        return banks;
      }
      if (ak == null) {
        v.fail("tpm.ak-source", "the evidence has TPM quotes but no attestation key to check them");
        return banks;
      }
      for (int i = 0; i < e.getTpmQuotesCount(); i++) {
        TpmQuote q = e.getTpmQuotes(i);
        String prefix = "tpm.quote." + TpmStructures.hashName(q.getHashAlg());
        if (banks.containsKey(q.getHashAlg())) {
          v.fail(
              prefix,
              "the evidence quotes the " + TpmStructures.hashName(q.getHashAlg()) + " bank twice");
          continue;
        }
        TpmQuoteVerifier.verify(prefix, q, ak, nonce, v)
            .ifPresent(values -> banks.put(q.getHashAlg(), values));
      }
      return banks;
    }

    private void eventLog(Map<Integer, Map<Integer, byte[]>> quoted) {
      if (e.getTcgEventLog().isEmpty()) {
        return;
      }
      TcgEventLog log;
      PcrReplay replay;
      try {
        log = TcgEventLog.parse(e.getTcgEventLog().toByteArray());
        replay = PcrReplay.of(log);
      } catch (EventLogException x) {
        v.fail("eventlog.format", "the TCG event log does not parse: " + x.getMessage());
        return;
      }
      if (quoted.isEmpty()) {
        v.fail("eventlog.replay", "the event log has no verified TPM quote to replay against");
        return;
      }
      boolean anyBank = false;
      for (var bank : quoted.entrySet()) {
        Optional<HashAlgorithm> h = HashAlgorithm.fromAlgId(bank.getKey());
        String name = TpmStructures.hashName(bank.getKey());
        if (h.isEmpty() || !replay.banks().contains(h.get())) {
          continue;
        }
        anyBank = true;
        List<Integer> compared = new ArrayList<>();
        String mismatch = null;
        for (var pcr : bank.getValue().entrySet()) {
          if (!replay.isExtended(pcr.getKey())) {
            continue;
          }
          compared.add(pcr.getKey());
          if (!Arrays.equals(replay.value(h.get(), pcr.getKey()).orElseThrow(), pcr.getValue())) {
            mismatch =
                mismatch == null ? "PCR " + pcr.getKey() : mismatch + ", PCR " + pcr.getKey();
          }
        }
        v.check(
            "eventlog.replay." + name,
            mismatch == null && !compared.isEmpty(),
            mismatch != null
                ? "the event log does not replay to the quoted " + name + " " + mismatch
                : compared.isEmpty()
                    ? "the event log extends none of the quoted " + name + " PCRs"
                    : "the event log replays to the quoted " + name + " PCRs " + compared);
      }
      if (!anyBank) {
        v.fail(
            "eventlog.replay",
            "the event log has none of the PCR banks the TPM quotes cover, so it cannot be replayed");
      }
      eventDigestPolicy(log, "TCG event log");
    }

    private void ccel() {
      if (e.getCcelEventLog().isEmpty()) {
        return;
      }
      if (rtmrs == null) {
        v.fail("ccel.replay", "the evidence has a CCEL log but no TDX quote with RTMRs");
        return;
      }
      try {
        TcgEventLog log = TcgEventLog.parse(e.getCcelEventLog().toByteArray());
        PcrReplay replay = PcrReplay.of(log);
        List<String> bad = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
          // CC event log: MR index 1..4 are RTMR0..3 (index 0 is MRTD).
          byte[] replayed = replay.value(HashAlgorithm.SHA384, i + 1).orElse(new byte[48]);
          if (!Arrays.equals(replayed, rtmrs[i])) {
            bad.add("RTMR" + i);
          }
        }
        v.check(
            "ccel.replay",
            bad.isEmpty(),
            bad.isEmpty()
                ? "the CCEL log replays to the quote's RTMR0-3"
                : "the CCEL log does not replay to the quote's " + String.join(", ", bad));
        eventDigestPolicy(log, "CCEL log");
      } catch (EventLogException x) {
        v.fail("ccel.format", "the CCEL log does not parse: " + x.getMessage());
      }
    }

    private void eventDigestPolicy(TcgEventLog log, String what) {
      for (var bank : policy.eventDigests().entrySet()) {
        int alg = Policy.bankAlg(bank.getKey());
        List<String> allowed = bank.getValue().stream().map(Hex::of).toList();
        String bad = null;
        int count = 0;
        for (TcgEvent ev : log.events()) {
          if (ev.eventType() == TcgEventType.EV_NO_ACTION) {
            continue;
          }
          Optional<byte[]> d = ev.digest(alg);
          if (d.isPresent()) {
            count++;
            if (!allowed.contains(Hex.of(d.get()))) {
              bad = Hex.of(d.get()) + " (PCR " + ev.pcrIndex() + ")";
              break;
            }
          }
        }
        v.check(
            "policy.event-digests." + bank.getKey(),
            bad == null,
            bad == null
                ? "every "
                    + bank.getKey()
                    + " digest of the "
                    + what
                    + " ("
                    + count
                    + " events) is allowed"
                : "the "
                    + what
                    + " has a "
                    + bank.getKey()
                    + " event digest the policy does not allow: "
                    + bad);
      }
    }

    private void policyChecks(Map<Integer, Map<Integer, byte[]>> quoted) {
      if (measurement != null && !policy.measurements().isEmpty()) {
        boolean ok = policy.measurements().stream().anyMatch(m -> Arrays.equals(m, measurement));
        v.check(
            "policy.measurement",
            ok,
            ok
                ? "the launch measurement " + Hex.of(measurement) + " is allowed"
                : "the launch measurement "
                    + Hex.of(measurement)
                    + " is not one the policy allows");
      }
      if (measurement != null) {
        v.check(
            "policy.debug",
            !debug || policy.allowDebug(),
            debug
                ? (policy.allowDebug()
                    ? "the guest is debuggable, which the policy allows"
                    : "the guest is debuggable by the host and the policy forbids debug")
                : "the guest is not debuggable");
      }
      for (var bank : policy.pcrs().entrySet()) {
        Map<Integer, byte[]> values = quoted.get(Policy.bankAlg(bank.getKey()));
        for (var pcr : bank.getValue().entrySet()) {
          String claim = "policy.pcr." + bank.getKey() + "." + pcr.getKey();
          byte[] value = values == null ? null : values.get(pcr.getKey());
          if (value == null) {
            v.fail(claim, "no verified quote covers " + bank.getKey() + " PCR " + pcr.getKey());
            continue;
          }
          boolean ok = pcr.getValue().stream().anyMatch(a -> Arrays.equals(a, value));
          v.check(
              claim,
              ok,
              bank.getKey()
                  + " PCR "
                  + pcr.getKey()
                  + " is "
                  + Hex.brief(value)
                  + (ok ? ", an allowed value" : ", not a value the policy allows"));
        }
      }
      if (policy.maxAgeSeconds().isPresent()) {
        long produced = e.getProducedAtSeconds();
        long age = at.getEpochSecond() - produced;
        boolean ok = produced > 0 && age <= policy.maxAgeSeconds().getAsLong() && age >= -60;
        v.check(
            "policy.max-age",
            ok,
            produced == 0
                ? "the evidence does not say when it was produced, and the policy limits its age"
                : "the evidence was produced "
                    + age
                    + " s before the verification time (policy: at most "
                    + policy.maxAgeSeconds().getAsLong()
                    + " s)");
      }
    }
  }

  /** REPORT_DATA for claims, as the producer must write it (for tests and tools). */
  static byte[] reportDataOf(byte[] claims) {
    return RuntimeClaims.reportDataFor(claims);
  }

  static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }
}
