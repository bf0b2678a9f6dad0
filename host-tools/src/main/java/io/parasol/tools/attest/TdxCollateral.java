package io.parasol.tools.attest;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.parasol.isolation.tdx.TdxQuote;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;

/**
 * Intel PCS collateral for a TDX quote, when the evidence carries it: the TCB info and QE identity
 * documents, each signed (ECDSA P-256, raw r‖s in hex) over the exact bytes of its body by the
 * Intel SGX TCB Signing certificate, which must chain to the pinned root. Checks: the signatures
 * and the signer's chain, the documents' validity window, the TCB info's FMSPC against the PCK
 * certificate's, the TCB level the platform is at (PCK SGX components and PCESVN, the quote's
 * TEE_TCB_SVN) and its status against the policy, and the QE report against the QE identity
 * (MRSIGNER, ISVPRODID, masked MISCSELECT and ATTRIBUTES, the ISVSVN's TCB status).
 *
 * <p>DEVNOTE: for a TDX module with a major version above 0 (TEE_TCB_SVN[1] &gt; 0) the module's
 * own identity (tdxModuleIdentities) is not evaluated here, and the first two TDX components are
 * left out of the level comparison, as Intel's verification library does.
 */
final class TdxCollateral {
  private static final String SGX_EXTENSION = "1.2.840.113741.1.13.1";
  private static final String SGX_TCB = SGX_EXTENSION + ".2";
  private static final String SGX_FMSPC = SGX_EXTENSION + ".4";

  private TdxCollateral() {}

  static void verify(
      TdxQuote quote,
      X509Certificate pck,
      byte[] tcbInfo,
      byte[] qeIdentity,
      byte[] issuerChain,
      List<String> allowedStatuses,
      Instant at,
      Verdict v) {
    X509Certificate signer;
    try {
      List<X509Certificate> chain = Certificates.parse(issuerChain);
      signer = chain.getFirst();
    } catch (CertificateException e) {
      v.fail(
          "tdx.collateral-chain",
          "the collateral's issuer chain does not parse: " + e.getMessage());
      return;
    }
    X509Certificate root = PinnedRoots.intelRoot();
    boolean signerOk = Certificates.signedBy(signer, root.getPublicKey());
    v.check(
        "tdx.collateral-chain",
        signerOk && Certificates.validAt(signer, at),
        Certificates.describe(signer)
            + (signerOk
                ? " is signed by the Intel SGX Root CA"
                : " is not signed by the Intel SGX Root CA")
            + (Certificates.validAt(signer, at) ? "" : " and does not cover " + at));
    if (tcbInfo.length > 0) {
      tcbInfo(quote, pck, tcbInfo, signer, allowedStatuses, at, v);
    }
    if (qeIdentity.length > 0) {
      qeIdentity(quote, qeIdentity, signer, allowedStatuses, at, v);
    }
  }

  /** The body's exact text (the value of {@code key}) and the parsed document. */
  private record Signed(JsonObject body, byte[] bodyBytes, byte[] signature) {}

  private static Optional<Signed> signed(byte[] document, String key, String claim, Verdict v) {
    String text = new String(document, StandardCharsets.UTF_8);
    try {
      JsonObject doc = JsonParser.parseString(text).getAsJsonObject();
      int keyAt = text.indexOf("\"" + key + "\"");
      int start = text.indexOf('{', keyAt);
      int end = matchingBrace(text, start);
      if (keyAt < 0 || start < 0 || end < 0) {
        v.fail(claim, "the " + key + " document has no " + key + " object");
        return Optional.empty();
      }
      byte[] body = text.substring(start, end + 1).getBytes(StandardCharsets.UTF_8);
      byte[] sig =
          HexFormat.of().parseHex(doc.get("signature").getAsString().toLowerCase(Locale.ROOT));
      return Optional.of(new Signed(doc.getAsJsonObject(key), body, sig));
    } catch (RuntimeException e) {
      v.fail(claim, "the " + key + " document is not the PCS JSON: " + e.getMessage());
      return Optional.empty();
    }
  }

  /** The index of the brace closing the one at {@code start}, skipping strings. */
  private static int matchingBrace(String s, int start) {
    if (start < 0) {
      return -1;
    }
    int depth = 0;
    boolean inString = false;
    for (int i = start; i < s.length(); i++) {
      char c = s.charAt(i);
      if (inString) {
        if (c == '\\') {
          i++;
        } else if (c == '"') {
          inString = false;
        }
      } else if (c == '"') {
        inString = true;
      } else if (c == '{') {
        depth++;
      } else if (c == '}' && --depth == 0) {
        return i;
      }
    }
    return -1;
  }

  private static void window(JsonObject body, String what, String claim, Instant at, Verdict v) {
    try {
      Instant issued = Instant.parse(body.get("issueDate").getAsString());
      Instant next = Instant.parse(body.get("nextUpdate").getAsString());
      boolean ok = !at.isBefore(issued) && !at.isAfter(next);
      v.check(
          claim,
          ok,
          "the "
              + what
              + " was issued "
              + issued
              + " for use until "
              + next
              + (ok ? "" : ", which does not cover " + at));
    } catch (RuntimeException e) {
      v.fail(claim, "the " + what + " has no valid issueDate and nextUpdate");
    }
  }

  private static void tcbInfo(
      TdxQuote quote,
      X509Certificate pck,
      byte[] document,
      X509Certificate signer,
      List<String> allowed,
      Instant at,
      Verdict v) {
    Optional<JsonObject> signedBody =
        signedByTcbSigner(document, "tcbInfo", "TCB info", "tdx.tcb-info", signer, at, v);
    if (signedBody.isEmpty()) {
      return;
    }
    JsonObject body = signedBody.get();
    Pck p;
    try {
      p = Pck.of(pck);
    } catch (RuntimeException | java.io.IOException e) {
      v.fail("tdx.tcb-info-fmspc", "the PCK certificate has no readable SGX extension");
      return;
    }
    String fmspc = body.get("fmspc").getAsString().toLowerCase(Locale.ROOT);
    v.check(
        "tdx.tcb-info-fmspc",
        fmspc.equals(Hex.of(p.fmspc())),
        "the TCB info is for FMSPC " + fmspc + ", the PCK certificate's is " + Hex.of(p.fmspc()));
    byte[] teeTcbSvn = quote.teeTcbSvn();
    int firstTdx = (teeTcbSvn[1] & 0xFF) > 0 ? 2 : 0;
    String status = null;
    for (JsonElement level : body.getAsJsonArray("tcbLevels")) {
      JsonObject tcb = level.getAsJsonObject().getAsJsonObject("tcb");
      JsonArray sgx = tcb.getAsJsonArray("sgxtcbcomponents");
      JsonArray tdx = tcb.getAsJsonArray("tdxtcbcomponents");
      boolean ok = tcb.get("pcesvn").getAsInt() <= p.pcesvn();
      for (int i = 0; i < 16 && ok; i++) {
        ok = sgx.get(i).getAsJsonObject().get("svn").getAsInt() <= p.cpusvn()[i];
      }
      for (int i = firstTdx; i < 16 && ok; i++) {
        ok = tdx.get(i).getAsJsonObject().get("svn").getAsInt() <= (teeTcbSvn[i] & 0xFF);
      }
      if (ok) {
        status = level.getAsJsonObject().get("tcbStatus").getAsString();
        break;
      }
    }
    v.check(
        "tdx.tcb-status",
        status != null && allowed.contains(status),
        status == null
            ? "the platform's TCB is below every level of the TCB info"
            : "the platform's TCB level is "
                + status
                + (allowed.contains(status)
                    ? ", which the policy accepts"
                    : ", which the policy does not accept"));
  }

  /**
   * The body of a collateral document (TCB info, QE identity) once its signature by the Intel SGX
   * TCB Signing key is checked ({@code CLAIM-signature}) and its issue/next-update window at {@code
   * at} ({@code CLAIM-current}); empty when the document cannot be read.
   */
  private static Optional<JsonObject> signedByTcbSigner(
      byte[] document,
      String member,
      String what,
      String claim,
      X509Certificate signer,
      Instant at,
      Verdict v) {
    Optional<Signed> s = signed(document, member, claim + "-signature", v);
    if (s.isEmpty()) {
      return Optional.empty();
    }
    boolean sigOk =
        Ecdsa.verifyRaw(
            "SHA256withECDSA", signer.getPublicKey(), s.get().bodyBytes(), s.get().signature());
    v.check(
        claim + "-signature",
        sigOk,
        sigOk
            ? "the " + what + " is signed by the Intel SGX TCB Signing key"
            : "the " + what + "'s signature does not verify");
    window(s.get().body(), what, claim + "-current", at, v);
    return Optional.of(s.get().body());
  }

  private static void qeIdentity(
      TdxQuote quote,
      byte[] document,
      X509Certificate signer,
      List<String> allowed,
      Instant at,
      Verdict v) {
    Optional<JsonObject> signedBody =
        signedByTcbSigner(
            document, "enclaveIdentity", "QE identity", "tdx.qe-identity", signer, at, v);
    if (signedBody.isEmpty()) {
      return;
    }
    JsonObject id = signedBody.get();
    try {
      HexFormat hex = HexFormat.of();
      long misc = Long.parseLong(id.get("miscselect").getAsString(), 16);
      long miscMask = Long.parseLong(id.get("miscselectMask").getAsString(), 16);
      byte[] attr = hex.parseHex(id.get("attributes").getAsString().toLowerCase(Locale.ROOT));
      byte[] attrMask =
          hex.parseHex(id.get("attributesMask").getAsString().toLowerCase(Locale.ROOT));
      byte[] mrsigner = hex.parseHex(id.get("mrsigner").getAsString().toLowerCase(Locale.ROOT));
      int prodId = id.get("isvprodid").getAsInt();
      // MISCSELECT is little-endian in the report; the identity writes it as a big-endian number.
      boolean miscOk = (quote.qeMiscSelect() & miscMask) == (misc & miscMask);
      byte[] qeAttr = quote.qeAttributes();
      boolean attrOk = attr.length == 16 && attrMask.length == 16;
      for (int i = 0; i < 16 && attrOk; i++) {
        attrOk = (qeAttr[i] & attrMask[i]) == (attr[i] & attrMask[i]);
      }
      boolean signerOk = Arrays.equals(mrsigner, quote.qeMrSigner());
      boolean prodOk = prodId == quote.qeIsvProdId();
      v.check(
          "tdx.qe-identity",
          miscOk && attrOk && signerOk && prodOk,
          miscOk && attrOk && signerOk && prodOk
              ? "the QE is Intel's TD quoting enclave (MRSIGNER, ISVPRODID, MISCSELECT, ATTRIBUTES match)"
              : "the QE report does not match the QE identity's"
                  + (signerOk ? "" : " MRSIGNER")
                  + (prodOk ? "" : " ISVPRODID")
                  + (miscOk ? "" : " MISCSELECT")
                  + (attrOk ? "" : " ATTRIBUTES"));
      String status = null;
      for (JsonElement level : id.getAsJsonArray("tcbLevels")) {
        JsonObject l = level.getAsJsonObject();
        if (l.getAsJsonObject("tcb").get("isvsvn").getAsInt() <= quote.qeIsvSvn()) {
          status = l.get("tcbStatus").getAsString();
          break;
        }
      }
      v.check(
          "tdx.qe-tcb-status",
          status != null && allowed.contains(status),
          status == null
              ? "the QE's ISVSVN " + quote.qeIsvSvn() + " is below every level of the QE identity"
              : "the QE's TCB level is "
                  + status
                  + (allowed.contains(status)
                      ? ", which the policy accepts"
                      : ", which the policy does not accept"));
    } catch (RuntimeException e) {
      v.fail("tdx.qe-identity", "the QE identity is malformed: " + e.getMessage());
    }
  }

  /** What the PCK certificate's SGX extension says about the platform. */
  record Pck(byte[] fmspc, int[] cpusvn, int pcesvn) {
    static Pck of(X509Certificate pck) throws java.io.IOException {
      byte[] ext = pck.getExtensionValue(SGX_EXTENSION);
      ASN1Sequence seq =
          ASN1Sequence.getInstance(
              ASN1Primitive.fromByteArray(ASN1OctetString.getInstance(ext).getOctets()));
      byte[] fmspc = null;
      int[] cpusvn = new int[16];
      int pcesvn = -1;
      for (ASN1Encodable e : seq) {
        ASN1Sequence item = ASN1Sequence.getInstance(e);
        String oid = ASN1ObjectIdentifier.getInstance(item.getObjectAt(0)).getId();
        if (oid.equals(SGX_FMSPC)) {
          fmspc = ASN1OctetString.getInstance(item.getObjectAt(1)).getOctets();
        } else if (oid.equals(SGX_TCB)) {
          for (ASN1Encodable c : ASN1Sequence.getInstance(item.getObjectAt(1))) {
            ASN1Sequence comp = ASN1Sequence.getInstance(c);
            String cOid = ASN1ObjectIdentifier.getInstance(comp.getObjectAt(0)).getId();
            int index = Integer.parseInt(cOid.substring(SGX_TCB.length() + 1));
            if (index >= 1 && index <= 16) {
              cpusvn[index - 1] = intValue(comp.getObjectAt(1));
            } else if (index == 17) {
              pcesvn = intValue(comp.getObjectAt(1));
            }
          }
        }
      }
      if (fmspc == null || pcesvn < 0) {
        throw new IllegalArgumentException("no FMSPC or PCESVN");
      }
      return new Pck(fmspc, cpusvn, pcesvn);
    }

    private static int intValue(ASN1Encodable e) {
      BigInteger v = ASN1Integer.getInstance(e).getValue();
      return v.bitLength() > 31 ? Integer.MAX_VALUE : v.intValue();
    }
  }
}
