package io.parasol.tools.attest;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The TPM 2.0 structures a verifier reads (TPM 2.0 Part 2): TPMS_ATTEST of a quote, TPMT_SIGNATURE,
 * TPMT_PUBLIC. Big-endian; every length is checked against the input, and a malformed structure is
 * a {@link TpmFormatException} with a sentence, never a crash.
 */
public final class TpmStructures {
  public static final int ALG_RSA = 0x0001;
  public static final int ALG_SHA1 = 0x0004;
  public static final int ALG_SHA256 = 0x000B;
  public static final int ALG_SHA384 = 0x000C;
  public static final int ALG_SHA512 = 0x000D;
  public static final int ALG_NULL = 0x0010;
  public static final int ALG_RSASSA = 0x0014;
  public static final int ALG_RSAPSS = 0x0016;
  public static final int ALG_ECDSA = 0x0018;
  public static final int ALG_ECC = 0x0023;
  static final int TPM_GENERATED_VALUE = 0xFF544347;
  static final int TPM_ST_ATTEST_QUOTE = 0x8018;

  private TpmStructures() {}

  /** A TPM structure that does not parse. */
  public static final class TpmFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    TpmFormatException(String message) {
      super(message);
    }
  }

  /** The JCA digest name of a TPM hash algorithm. */
  static String digestName(int alg) throws TpmFormatException {
    return switch (alg) {
      case ALG_SHA1 -> "SHA-1";
      case ALG_SHA256 -> "SHA-256";
      case ALG_SHA384 -> "SHA-384";
      case ALG_SHA512 -> "SHA-512";
      default -> throw new TpmFormatException(String.format("unknown hash algorithm 0x%04x", alg));
    };
  }

  /** The name of a TPM hash algorithm for sentences ("sha256"). */
  public static String hashName(int alg) {
    return switch (alg) {
      case ALG_SHA1 -> "sha1";
      case ALG_SHA256 -> "sha256";
      case ALG_SHA384 -> "sha384";
      case ALG_SHA512 -> "sha512";
      default -> String.format("alg 0x%04x", alg);
    };
  }

  /** A bounds-checked big-endian reader. */
  static final class Reader {
    private final ByteBuffer b;
    private final String what;

    Reader(byte[] data, String what) {
      this.b = ByteBuffer.wrap(data);
      this.what = what;
    }

    private void need(int n) throws TpmFormatException {
      if (b.remaining() < n) {
        throw new TpmFormatException(what + " ends early, at byte " + b.position());
      }
    }

    int u8() throws TpmFormatException {
      need(1);
      return b.get() & 0xFF;
    }

    int u16() throws TpmFormatException {
      need(2);
      return b.getShort() & 0xFFFF;
    }

    long u32() throws TpmFormatException {
      need(4);
      return b.getInt() & 0xFFFFFFFFL;
    }

    long u64() throws TpmFormatException {
      need(8);
      return b.getLong();
    }

    byte[] bytes(int n) throws TpmFormatException {
      need(n);
      byte[] out = new byte[n];
      b.get(out);
      return out;
    }

    byte[] sized() throws TpmFormatException {
      return bytes(u16());
    }

    boolean atEnd() {
      return !b.hasRemaining();
    }
  }

  /**
   * A TPMS_ATTEST of type TPM_ST_ATTEST_QUOTE.
   *
   * @param selection bank (TPM_ALG_ID) → selected PCR indices, in the quote's order
   */
  public record QuoteInfo(
      byte[] qualifiedSigner,
      byte[] extraData,
      long clock,
      long resetCount,
      long restartCount,
      boolean safe,
      long firmwareVersion,
      Map<Integer, SortedSet<Integer>> selection,
      byte[] pcrDigest) {}

  public static QuoteInfo parseQuote(byte[] attest) throws TpmFormatException {
    Reader r = new Reader(attest, "the TPMS_ATTEST");
    long magic = r.u32();
    if (magic != (TPM_GENERATED_VALUE & 0xFFFFFFFFL)) {
      throw new TpmFormatException(
          String.format("the TPMS_ATTEST magic is 0x%08x, not TPM_GENERATED_VALUE", magic));
    }
    int type = r.u16();
    if (type != TPM_ST_ATTEST_QUOTE) {
      throw new TpmFormatException(
          String.format("the TPMS_ATTEST type is 0x%04x, not a quote (0x8018)", type));
    }
    byte[] signer = r.sized();
    byte[] extra = r.sized();
    long clock = r.u64();
    long reset = r.u32();
    long restart = r.u32();
    boolean safe = r.u8() != 0;
    long fw = r.u64();
    long count = r.u32();
    if (count > 16) {
      throw new TpmFormatException("the quote selects " + count + " PCR banks");
    }
    Map<Integer, SortedSet<Integer>> selection = new LinkedHashMap<>();
    for (int i = 0; i < count; i++) {
      int alg = r.u16();
      int size = r.u8();
      byte[] bitmap = r.bytes(size);
      SortedSet<Integer> pcrs = new TreeSet<>();
      for (int bit = 0; bit < size * 8; bit++) {
        if ((bitmap[bit / 8] & (1 << (bit % 8))) != 0) {
          pcrs.add(bit);
        }
      }
      if (selection.put(alg, pcrs) != null) {
        throw new TpmFormatException("the quote selects bank " + hashName(alg) + " twice");
      }
    }
    byte[] digest = r.sized();
    if (!r.atEnd()) {
      throw new TpmFormatException("the TPMS_ATTEST has bytes after its quote info");
    }
    return new QuoteInfo(signer, extra, clock, reset, restart, safe, fw, selection, digest);
  }

  /**
   * A TPMT_SIGNATURE: the scheme, its hash, and the signature (RSA: the signature bytes; ECDSA:
   * r‖s, each padded to the larger length).
   */
  public record Signature(
      int scheme, int hashAlg, byte[] rsaSignature, BigInteger r, BigInteger s) {}

  public static Signature parseSignature(byte[] data) throws TpmFormatException {
    Reader r = new Reader(data, "the TPMT_SIGNATURE");
    int scheme = r.u16();
    int hash = r.u16();
    Signature sig =
        switch (scheme) {
          case ALG_RSASSA, ALG_RSAPSS -> new Signature(scheme, hash, r.sized(), null, null);
          case ALG_ECDSA ->
              new Signature(
                  scheme, hash, null, new BigInteger(1, r.sized()), new BigInteger(1, r.sized()));
          default ->
              throw new TpmFormatException(
                  String.format(
                      "the signature scheme 0x%04x is not RSASSA, RSAPSS or ECDSA", scheme));
        };
    if (!r.atEnd()) {
      throw new TpmFormatException("the TPMT_SIGNATURE has bytes after the signature");
    }
    return sig;
  }

  /** A TPMT_SIGNATURE for an RSASSA-PKCS1-v1_5 signature given as raw bytes. */
  public static byte[] rsassaSignature(int hashAlg, byte[] signature) {
    ByteBuffer b = ByteBuffer.allocate(6 + signature.length);
    b.putShort((short) ALG_RSASSA).putShort((short) hashAlg).putShort((short) signature.length);
    b.put(signature);
    return b.array();
  }

  /** The public key of a TPMT_PUBLIC (RSA, or ECC on NIST P-256/P-384). */
  public static PublicKey parsePublic(byte[] data) throws TpmFormatException {
    Reader r = new Reader(data, "the TPMT_PUBLIC");
    int type = r.u16();
    r.u16(); // nameAlg
    r.u32(); // objectAttributes
    r.sized(); // authPolicy
    int symmetric = r.u16();
    if (symmetric != ALG_NULL) {
      r.u16();
      r.u16();
    }
    int scheme = r.u16();
    if (scheme != ALG_NULL) {
      r.u16();
    }
    try {
      if (type == ALG_RSA) {
        r.u16(); // keyBits
        long exponent = r.u32();
        byte[] n = r.sized();
        return KeyFactory.getInstance("RSA")
            .generatePublic(
                new RSAPublicKeySpec(
                    new BigInteger(1, n), BigInteger.valueOf(exponent == 0 ? 65537 : exponent)));
      }
      if (type == ALG_ECC) {
        int curve = r.u16();
        int kdf = r.u16();
        if (kdf != ALG_NULL) {
          r.u16();
        }
        byte[] x = r.sized();
        byte[] y = r.sized();
        String name =
            switch (curve) {
              case 0x0003 -> "secp256r1";
              case 0x0004 -> "secp384r1";
              default -> throw new TpmFormatException("unsupported ECC curve " + curve);
            };
        int len = curve == 0x0003 ? 32 : 48;
        PublicKey key = Ecdsa.point(name, concat(pad(x, len), pad(y, len)));
        if (key == null) {
          throw new TpmFormatException("the TPMT_PUBLIC's point is not on its curve");
        }
        return key;
      }
    } catch (java.security.GeneralSecurityException e) {
      throw new TpmFormatException("the TPMT_PUBLIC's key is invalid: " + e.getMessage());
    }
    throw new TpmFormatException(
        String.format("the TPMT_PUBLIC type 0x%04x is not RSA or ECC", type));
  }

  static byte[] pad(byte[] v, int len) throws TpmFormatException {
    if (v.length > len) {
      throw new TpmFormatException("a coordinate is longer than its curve");
    }
    byte[] out = new byte[len];
    System.arraycopy(v, 0, out, len - v.length, v.length);
    return out;
  }

  static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int o = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, o, p.length);
      o += p.length;
    }
    return out;
  }

  /** The PCR indices of a bank, ascending, as a list. */
  static List<Integer> indices(SortedSet<Integer> set) {
    return new ArrayList<>(set);
  }

  static boolean equal(byte[] a, byte[] b) {
    return Arrays.equals(a, b);
  }
}
