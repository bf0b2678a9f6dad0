package io.parasol.tools.attest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.parasol.isolation.attestation.proto.Evidence;
import io.parasol.isolation.attestation.proto.TpmQuote;
import io.parasol.isolation.tdx.TdxQuote;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * For every positive vector: hundreds of random single-byte changes in what the verifier relies on
 * (signed bytes, signatures, certificates, bound claims, quoted PCR values), each of which must be
 * rejected. Seeded, so a failure reproduces. Bytes nothing signs or binds (the HCL header, padding,
 * PEM whitespace, the log's event data) are left alone.
 */
class TamperTest {
  private static final int MUTATIONS = 200;

  record Target(Vectors.Case c, Policy policy) {
    @Override
    public String toString() {
      return c.name();
    }
  }

  static Stream<Target> targets() {
    List<Target> t = new ArrayList<>();
    Vectors.snpCases().forEach(c -> t.add(new Target(derCerts(c), Vectors.hardwareOnly("snp"))));
    Vectors.tdxCases().forEach(c -> t.add(new Target(c, Vectors.hardwareOnly("tdx"))));
    Policy azure;
    try {
      azure = Policy.parse("{\"platforms\":[\"azure-snp\",\"azure-tdx\"]}");
    } catch (Policy.PolicyException e) {
      throw new IllegalStateException(e);
    }
    Vectors.azureCases().forEach(c -> t.add(new Target(derCerts(c), azure)));
    t.add(new Target(Vectors.gce("gce-cos-85-nonce9009"), Vectors.vtpmOnly()));
    t.add(new Target(Vectors.gce("gce-cos-85-no-nonce"), Vectors.vtpmOnly()));
    t.add(new Target(Vectors.windowsGcp(), Vectors.vtpmOnly()));
    return t.stream();
  }

  /** The case with every certificate as one DER entry, so certificate bytes can be changed. */
  static Vectors.Case derCerts(Vectors.Case c) {
    Evidence e = c.evidence();
    try {
      if (e.hasSnp()) {
        var b = e.getSnp().toBuilder().clearCertificates();
        for (var cert : e.getSnp().getCertificatesList()) {
          for (X509Certificate x : Certificates.parse(cert.toByteArray())) {
            b.addCertificates(ByteString.copyFrom(x.getEncoded()));
          }
        }
        e = e.toBuilder().setSnp(b).build();
      } else if (e.hasAzureHcl()) {
        var b = e.getAzureHcl().toBuilder().clearCertificates();
        for (var cert : e.getAzureHcl().getCertificatesList()) {
          for (X509Certificate x : Certificates.parse(cert.toByteArray())) {
            b.addCertificates(ByteString.copyFrom(x.getEncoded()));
          }
        }
        e = e.toBuilder().setAzureHcl(b).build();
      }
    } catch (Exception x) {
      throw new IllegalStateException(x);
    }
    return new Vectors.Case(c.name(), e, c.nonce(), c.at());
  }

  /** A region of the evidence to change: a name and a mutator of (evidence, random). */
  record Region(String name, BiFunction<Evidence, Random, Evidence> mutate) {}

  /** The last change made, for failure messages. */
  private static String lastChange = "";

  static byte[] flip(byte[] b, int from, int to, Random r) {
    byte[] out = b.clone();
    int i = from + r.nextInt(to - from);
    out[i] = (byte) (out[i] ^ (1 + r.nextInt(255)));
    lastChange =
        String.format("byte 0x%x of %d: %02x -> %02x", i, b.length, b[i] & 0xFF, out[i] & 0xFF);
    return out;
  }

  static ByteString flip(ByteString b, Random r) {
    return ByteString.copyFrom(flip(b.toByteArray(), 0, b.size(), r));
  }

  static List<Region> regions(Evidence e) {
    List<Region> regions = new ArrayList<>();
    if (e.hasSnp()) {
      regions.add(
          new Region(
              "snp report",
              (ev, r) ->
                  ev.toBuilder()
                      .setSnp(ev.getSnp().toBuilder().setReport(flip(ev.getSnp().getReport(), r)))
                      .build()));
      for (int i = 0; i < e.getSnp().getCertificatesCount(); i++) {
        int index = i;
        regions.add(
            new Region(
                "snp certificate " + i,
                (ev, r) ->
                    ev.toBuilder()
                        .setSnp(
                            ev.getSnp().toBuilder()
                                .setCertificates(
                                    index, flip(ev.getSnp().getCertificates(index), r)))
                        .build()));
      }
    }
    if (e.hasTdx()) {
      byte[] quote = e.getTdx().getQuote().toByteArray();
      regions.add(
          new Region(
              "tdx quote",
              (ev, r) ->
                  ev.toBuilder()
                      .setTdx(
                          ev.getTdx().toBuilder()
                              .setQuote(ByteString.copyFrom(tamperQuote(quote, r))))
                      .build()));
    }
    if (e.hasAzureHcl()) {
      byte[] hcl = e.getAzureHcl().getHclReport().toByteArray();
      int varSize = ByteBuffer.wrap(hcl).order(ByteOrder.LITTLE_ENDIAN).getInt(0x4C0 + 16);
      boolean tdx = ByteBuffer.wrap(hcl).order(ByteOrder.LITTLE_ENDIAN).getInt(0x4C0 + 8) == 4;
      regions.add(
          new Region(
              "hcl variable data", (ev, r) -> withHcl(ev, flip(hcl, 0x4D4, 0x4D4 + varSize, r))));
      if (tdx) {
        // The TDREPORT is MAC'd, not signed: what binds it is its equality with the quote.
        regions.add(
            new Region(
                "hcl tdreport reportdata",
                (ev, r) -> withHcl(ev, flip(hcl, 0x20 + 128, 0x20 + 192, r))));
        regions.add(
            new Region(
                "hcl tdreport mrtd", (ev, r) -> withHcl(ev, flip(hcl, 0x20 + 528, 0x20 + 576, r))));
        regions.add(
            new Region(
                "hcl tdreport rtmrs",
                (ev, r) -> withHcl(ev, flip(hcl, 0x20 + 720, 0x20 + 912, r))));
        byte[] quote = e.getAzureHcl().getTdQuote().toByteArray();
        regions.add(
            new Region(
                "td quote",
                (ev, r) ->
                    ev.toBuilder()
                        .setAzureHcl(
                            ev.getAzureHcl().toBuilder()
                                .setTdQuote(ByteString.copyFrom(tamperQuote(quote, r))))
                        .build()));
      } else {
        regions.add(
            new Region("hcl snp report", (ev, r) -> withHcl(ev, flip(hcl, 0x20, 0x20 + 1184, r))));
      }
      for (int i = 0; i < e.getAzureHcl().getCertificatesCount(); i++) {
        int index = i;
        regions.add(
            new Region(
                "hcl certificate " + i,
                (ev, r) ->
                    ev.toBuilder()
                        .setAzureHcl(
                            ev.getAzureHcl().toBuilder()
                                .setCertificates(
                                    index, flip(ev.getAzureHcl().getCertificates(index), r)))
                        .build()));
      }
    }
    for (int i = 0; i < e.getTpmQuotesCount(); i++) {
      int q = i;
      TpmQuote quote = e.getTpmQuotes(i);
      regions.add(
          new Region(
              "tpm quote " + i + " attest",
              (ev, r) ->
                  withQuote(
                      ev,
                      q,
                      ev.getTpmQuotes(q).toBuilder()
                          .setAttest(flip(quote.getAttest(), r))
                          .build())));
      regions.add(
          new Region(
              "tpm quote " + i + " signature",
              (ev, r) ->
                  withQuote(
                      ev,
                      q,
                      ev.getTpmQuotes(q).toBuilder()
                          .setSignature(flip(quote.getSignature(), r))
                          .build())));
      List<Integer> quoted;
      try {
        quoted =
            new ArrayList<>(
                TpmStructures.parseQuote(quote.getAttest().toByteArray())
                    .selection()
                    .values()
                    .iterator()
                    .next());
      } catch (TpmStructures.TpmFormatException x) {
        throw new IllegalStateException(x);
      }
      regions.add(
          new Region(
              "tpm quote " + i + " quoted PCR value",
              (ev, r) -> {
                int pcr = quoted.get(r.nextInt(quoted.size()));
                return withQuote(
                    ev,
                    q,
                    ev.getTpmQuotes(q).toBuilder()
                        .putPcrs(pcr, flip(quote.getPcrsOrThrow(pcr), r))
                        .build());
              }));
    }
    if (!e.getAkTpmtPublic().isEmpty()) {
      byte[] ak = e.getAkTpmtPublic().toByteArray();
      // The key itself: the RSA modulus is the TPMT_PUBLIC's last 256 bytes.
      regions.add(
          new Region(
              "AK public key",
              (ev, r) ->
                  ev.toBuilder()
                      .setAkTpmtPublic(ByteString.copyFrom(flip(ak, ak.length - 256, ak.length, r)))
                      .build()));
    }
    return regions;
  }

  static Evidence withHcl(Evidence e, byte[] hcl) {
    return e.toBuilder()
        .setAzureHcl(e.getAzureHcl().toBuilder().setHclReport(ByteString.copyFrom(hcl)))
        .build();
  }

  static Evidence withQuote(Evidence e, int index, TpmQuote q) {
    return e.toBuilder().setTpmQuotes(index, q).build();
  }

  /**
   * A quote with one change: in its bytes up to the PCK chain (header, body, signature, key, QE
   * report, its signature, auth data), or in one PCK certificate's DER, re-encoded as PEM with the
   * quote's length fields fixed up.
   */
  static byte[] tamperQuote(byte[] quote, Random r) {
    try {
      TdxQuote q = TdxQuote.parse(quote);
      int length = q.length();
      byte[] pem = q.certificationData();
      int pemStart = length - pem.length;
      if (r.nextInt(3) > 0) {
        return flip(quote, 0, pemStart - 6, r);
      }
      List<X509Certificate> certs = Certificates.parse(pem);
      int which = r.nextInt(certs.size());
      StringBuilder out = new StringBuilder();
      for (int i = 0; i < certs.size(); i++) {
        byte[] der = certs.get(i).getEncoded();
        if (i == which) {
          der = flip(der, 0, der.length, r);
        }
        out.append("-----BEGIN CERTIFICATE-----\n")
            .append(Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der))
            .append("\n-----END CERTIFICATE-----\n");
      }
      byte[] newPem = out.toString().getBytes(StandardCharsets.US_ASCII);
      int delta = newPem.length - pem.length;
      ByteBuffer b = ByteBuffer.allocate(pemStart + newPem.length).order(ByteOrder.LITTLE_ENDIAN);
      b.put(quote, 0, pemStart).put(newPem);
      int signed = q.signedBytes().length;
      b.putInt(signed, b.getInt(signed) + delta);
      int cert = signed + 4 + 128;
      b.putInt(cert + 2, b.getInt(cert + 2) + delta);
      b.putInt(pemStart - 4, newPem.length);
      return b.array();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("targets")
  void everySingleByteChangeIsRejected(Target t) {
    Vectors.Case c = t.c();
    Verdict base = EvidenceVerifier.verify(c.evidence(), t.policy(), c.nonce(), c.at());
    assertTrue(base.valid(), () -> "baseline: " + base.reason());
    List<Region> regions = regions(c.evidence());
    Random r = new Random(c.name().hashCode());
    int rejected = 0;
    for (int i = 0; i < MUTATIONS; i++) {
      Region region = regions.get(r.nextInt(regions.size()));
      Evidence mutated = region.mutate().apply(c.evidence(), r);
      Verdict v = EvidenceVerifier.verify(mutated, t.policy(), c.nonce(), c.at());
      int n = i;
      assertTrue(
          !v.valid(),
          () -> "mutation " + n + " in " + region.name() + " (" + lastChange + ") was accepted");
      assertTrue(v.firstFailure().isPresent());
      rejected++;
    }
    assertEquals(MUTATIONS, rejected);
  }
}
