package io.parasol.tools.attest;

import io.parasol.isolation.attestation.proto.TpmQuote;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;

/**
 * Verifies one vTPM quote: the attestation key's signature over TPMS_ATTEST, the nonce in
 * extraData, and that the PCR values given hash to the quoted pcrDigest. The digest uses the
 * signing scheme's hash, whatever the bank (TPM 2.0 Part 3 §18.4: PCRs are hashed with the signing
 * scheme's hash).
 */
public final class TpmQuoteVerifier {
  private TpmQuoteVerifier() {}

  /**
   * Checks {@code quote} (claims prefixed {@code prefix}); returns the quoted PCR values of its
   * bank when the signature and digest hold.
   *
   * @param nonce the expected extraData, or null when the caller does not check freshness here
   */
  public static Optional<Map<Integer, byte[]>> verify(
      String prefix, TpmQuote quote, PublicKey ak, byte[] nonce, Verdict verdict) {
    TpmStructures.QuoteInfo info;
    TpmStructures.Signature sig;
    try {
      info = TpmStructures.parseQuote(quote.getAttest().toByteArray());
      sig = TpmStructures.parseSignature(quote.getSignature().toByteArray());
    } catch (TpmStructures.TpmFormatException e) {
      verdict.fail(prefix + ".format", e.getMessage());
      return Optional.empty();
    }
    boolean sigOk = signatureValid(ak, quote.getAttest().toByteArray(), sig);
    verdict.check(
        prefix + ".signature",
        sigOk,
        sigOk
            ? "the TPM quote's signature verifies with the attestation key"
            : "the TPM quote's signature does not verify with the attestation key");
    if (nonce != null) {
      boolean fresh = MessageDigest.isEqual(nonce, info.extraData());
      verdict.check(
          prefix + ".nonce",
          fresh,
          fresh
              ? "the TPM quote carries the expected nonce"
              : "the TPM quote's nonce "
                  + Hex.brief(info.extraData())
                  + " is not the expected "
                  + Hex.brief(nonce));
    }
    boolean digestOk = false;
    String detail;
    try {
      MessageDigest h = MessageDigest.getInstance(TpmStructures.digestName(sig.hashAlg()));
      detail = null;
      for (var bank : info.selection().entrySet()) {
        if (bank.getKey() != quote.getHashAlg()) {
          detail =
              "the quote selects the "
                  + TpmStructures.hashName(bank.getKey())
                  + " bank but the evidence gives "
                  + TpmStructures.hashName(quote.getHashAlg())
                  + " values";
          break;
        }
        SortedSet<Integer> pcrs = bank.getValue();
        for (int pcr : pcrs) {
          if (!quote.containsPcrs(pcr)) {
            detail = "the evidence lacks the value of quoted PCR " + pcr;
            break;
          }
          h.update(quote.getPcrsOrThrow(pcr).toByteArray());
        }
      }
      if (detail == null) {
        digestOk = MessageDigest.isEqual(h.digest(), info.pcrDigest());
        detail =
            digestOk
                ? "the PCR values hash to the quote's pcrDigest"
                : "the PCR values do not hash to the quote's pcrDigest";
      }
    } catch (Exception e) {
      detail = "the quote's pcrDigest cannot be checked: " + e.getMessage();
    }
    verdict.check(prefix + ".pcr-digest", digestOk, detail);
    if (sigOk && digestOk) {
      Map<Integer, byte[]> values = new java.util.TreeMap<>();
      for (var bank : info.selection().entrySet()) {
        for (int pcr : bank.getValue()) {
          values.put(pcr, quote.getPcrsOrThrow(pcr).toByteArray());
        }
      }
      return Optional.of(values);
    }
    return Optional.empty();
  }

  /** The nonce (extraData) of a quote, or empty when it does not parse. */
  static byte[] nonceOf(TpmQuote quote) {
    try {
      return TpmStructures.parseQuote(quote.getAttest().toByteArray()).extraData();
    } catch (TpmStructures.TpmFormatException e) {
      return new byte[0];
    }
  }

  static boolean signatureValid(PublicKey ak, byte[] attest, TpmStructures.Signature sig) {
    if (ak == null) {
      return false;
    }
    try {
      String hash = TpmStructures.digestName(sig.hashAlg()).replace("-", "");
      switch (sig.scheme()) {
        case TpmStructures.ALG_RSASSA -> {
          if (!(ak instanceof RSAPublicKey)) {
            return false;
          }
          Signature s = Signature.getInstance(hash + "withRSA");
          s.initVerify(ak);
          s.update(attest);
          return s.verify(sig.rsaSignature());
        }
        case TpmStructures.ALG_RSAPSS -> {
          if (!(ak instanceof RSAPublicKey)) {
            return false;
          }
          String mdName = TpmStructures.digestName(sig.hashAlg());
          int hashBytes = MessageDigest.getInstance(mdName).getDigestLength();
          Signature s = Signature.getInstance("RSASSA-PSS");
          // TPM 2.0 Part 1 §B.7: the salt is as long as the digest.
          s.setParameter(
              new PSSParameterSpec(mdName, "MGF1", new MGF1ParameterSpec(mdName), hashBytes, 1));
          s.initVerify(ak);
          s.update(attest);
          return s.verify(sig.rsaSignature());
        }
        case TpmStructures.ALG_ECDSA -> {
          return Ecdsa.verify(hash + "withECDSA", ak, attest, sig.r(), sig.s());
        }
        default -> {
          return false;
        }
      }
    } catch (Exception e) {
      return false;
    }
  }
}
