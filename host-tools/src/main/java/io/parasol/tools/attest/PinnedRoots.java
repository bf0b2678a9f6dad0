package io.parasol.tools.attest;

import io.parasol.isolation.snp.SnpProduct;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The trust anchors the verifier pins: AMD's ARK per product (with the ASK and ASVK it signed, so
 * evidence need not carry them) and the Intel SGX Root CA. Each is loaded from this package's
 * resources and checked against the SHA-256 of its DER written here (from AMD's and Intel's
 * published roots; see roots/FINGERPRINTS.txt), so a changed resource fails loudly.
 */
public final class PinnedRoots {
  private static final Map<SnpProduct, String> ARK_SHA256 =
      Map.of(
          SnpProduct.MILAN, "69d063b45344d26a2e94e1f4210de49ef555308287d4c174445c95639a540bcd",
          SnpProduct.GENOA, "4c6598d19c18719c5dfd4a7d335f674e5bfe1d8f800cea2cf270c10d103db2f1",
          SnpProduct.TURIN, "1f084161a44bb6d93778a904877d4819cafa5d05ef4193b2ded9dd9c73dd3f6a");

  static final String INTEL_ROOT_SHA256 =
      "44a0196b2b99f889b8e149e95b807a350e7424964399e885a7cbb8ccfab674d3";

  private static final Map<SnpProduct, X509Certificate> ARK = new EnumMap<>(SnpProduct.class);
  private static final Map<SnpProduct, X509Certificate> ASK = new EnumMap<>(SnpProduct.class);
  private static final Map<SnpProduct, X509Certificate> ASVK = new EnumMap<>(SnpProduct.class);
  private static final X509Certificate INTEL_ROOT;

  static {
    for (SnpProduct p : SnpProduct.values()) {
      String name = p.name().toLowerCase(java.util.Locale.ROOT);
      X509Certificate ark = load("amd_" + name + "_ark.pem");
      if (!Certificates.sha256(ark).equals(ARK_SHA256.get(p))) {
        throw new IllegalStateException("the bundled ARK for " + p + " is not the pinned one");
      }
      ARK.put(p, ark);
      ASK.put(p, load("amd_" + name + "_ask.pem"));
      ASVK.put(p, load("amd_" + name + "_asvk.pem"));
    }
    INTEL_ROOT = load("intel_sgx_root_ca.pem");
    if (!Certificates.sha256(INTEL_ROOT).equals(INTEL_ROOT_SHA256)) {
      throw new IllegalStateException("the bundled Intel SGX Root CA is not the pinned one");
    }
  }

  private PinnedRoots() {}

  private static X509Certificate load(String name) {
    try (InputStream in = PinnedRoots.class.getResourceAsStream("roots/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing pinned root " + name);
      }
      List<X509Certificate> certs = Certificates.parse(in.readAllBytes());
      return certs.getFirst();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (CertificateException e) {
      throw new IllegalStateException("pinned root " + name + " does not parse", e);
    }
  }

  /** AMD's root key for {@code product}. */
  public static X509Certificate ark(SnpProduct product) {
    return ARK.get(product);
  }

  /** The AMD SEV key (VCEK issuer) for {@code product}. */
  public static X509Certificate ask(SnpProduct product) {
    return ASK.get(product);
  }

  /** The AMD SEV VLEK key (VLEK issuer) for {@code product}. */
  public static X509Certificate asvk(SnpProduct product) {
    return ASVK.get(product);
  }

  /** The Intel SGX Root CA. */
  public static X509Certificate intelRoot() {
    return INTEL_ROOT;
  }
}
