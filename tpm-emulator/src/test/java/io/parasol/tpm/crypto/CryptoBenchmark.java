package io.parasol.tpm.crypto;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * Per-operation medians of the crypto layer, for comparison with libtpms (which needs ~100-500 ms
 * for an RSA-2048 key). A benchmark, not a test: run it by hand after {@code mvn test-compile}:
 *
 * <pre>
 *   java -cp tpm-emulator/target/classes:tpm-emulator/target/test-classes:$BCPROV \
 *       io.parasol.tpm.crypto.CryptoBenchmark [rsaKeys]
 * </pre>
 */
public final class CryptoBenchmark {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private interface Op {
    void run() throws Exception;
  }

  private static void time(String name, int warmup, int runs, Op op) throws Exception {
    for (int i = 0; i < warmup; i++) {
      op.run();
    }
    long[] t = new long[runs];
    long[] cpu = new long[runs];
    for (int i = 0; i < runs; i++) {
      long startCpu = THREADS.getCurrentThreadCpuTime();
      long start = System.nanoTime();
      op.run();
      t[i] = System.nanoTime() - start;
      cpu[i] = THREADS.getCurrentThreadCpuTime() - startCpu;
    }
    Arrays.sort(t);
    Arrays.sort(cpu);
    // On a shared machine the thread's CPU time is the steadier figure.
    System.out.printf(
        "%-34s median %9.1f us (cpu %9.1f)   p10 %9.1f   p90 %9.1f%n",
        name, t[runs / 2] / 1e3, cpu[runs / 2] / 1e3, t[runs / 10] / 1e3, t[runs * 9 / 10] / 1e3);
  }

  public static void main(String[] args) throws Exception {
    int rsaKeys = args.length > 0 ? Integer.parseInt(args[0]) : 41;
    SecureRandom random = TpmRandom.create().secureRandom();
    byte[] seed = new byte[32];
    int[] counter = {0};
    time("RSA-2048 key (random, warm-up)", 20, 1, () -> Rsa.generateKey(2048, 0, random));
    time(
        "RSA-2048 key (seeded, primary)",
        5,
        rsaKeys,
        () -> {
          seed[0] = (byte) counter[0]++;
          Rsa.generateKey(
              2048, 0, CtrDrbg.fromSeed(HashAlgorithm.SHA256, seed, "bench", null, null));
        });
    time("RSA-2048 key (random)", 3, rsaKeys, () -> Rsa.generateKey(2048, 0, random));
    time(
        "RSA-3072 key (random)",
        1,
        Math.max(11, rsaKeys / 4),
        () -> Rsa.generateKey(3072, 0, random));
    RsaPrivateKey rsa = Rsa.generateKey(2048, 0, random);
    byte[] digest = HashAlgorithm.SHA256.digest(new byte[] {1});
    time("RSA-2048 RSASSA sign", 200, 500, () -> Rsa.ssaSign(rsa, HashAlgorithm.SHA256, digest));
    byte[] sig = Rsa.ssaSign(rsa, HashAlgorithm.SHA256, digest);
    time(
        "RSA-2048 RSASSA verify",
        500,
        2000,
        () -> Rsa.ssaVerify(rsa.publicKey(), HashAlgorithm.SHA256, digest, sig));
    byte[] ct =
        Rsa.oaepEncrypt(rsa.publicKey(), HashAlgorithm.SHA256, Rsa.label("SECRET"), digest, random);
    time(
        "RSA-2048 OAEP decrypt",
        200,
        500,
        () -> Rsa.oaepDecrypt(rsa, HashAlgorithm.SHA256, Rsa.label("SECRET"), ct));
    time(
        "ECC P-256 key (seeded, primary)",
        200,
        2000,
        () ->
            Ecc.generateKeyPair(
                EccCurve.NIST_P256,
                CtrDrbg.fromSeed(HashAlgorithm.SHA256, seed, "bench", null, null)));
    EccKeyPair ecc = Ecc.generateKeyPair(EccCurve.NIST_P256, random);
    time("ECDSA P-256 sign", 2000, 5000, () -> Ecc.sign(ecc, digest, random));
    EcdsaSignature es = Ecc.sign(ecc, digest, random);
    time("ECDSA P-256 verify", 2000, 5000, () -> Ecc.verify(ecc.publicPoint(), digest, es));
    EccPoint other = Ecc.generateKeyPair(EccCurve.NIST_P256, random).publicPoint();
    time("ECDH P-256 ZGen", 2000, 5000, () -> Ecc.multiply(ecc.privateScalar(), other));
    EccKeyPair ecc384 = Ecc.generateKeyPair(EccCurve.NIST_P384, random);
    time(
        "ECDSA P-384 sign",
        500,
        2000,
        () -> Ecc.sign(ecc384, HashAlgorithm.SHA384.digest(digest), random));
    byte[] key = new byte[32];
    time(
        "KDFa SHA-256 256 bits",
        20000,
        20000,
        () -> Kdf.kdfa(HashAlgorithm.SHA256, key, "ATH", digest, digest, 256));
    time(
        "HMAC SHA-256 64 B",
        20000,
        20000,
        () -> Hmac.compute(HashAlgorithm.SHA256, key, new byte[64]));
    byte[] kb = new byte[1024];
    time(
        "AES-128-CFB 1 KiB",
        20000,
        20000,
        () -> Aes.encrypt(SymmetricMode.CFB, Arrays.copyOf(key, 16), new byte[16], kb));
    TpmRandom tpmRandom = TpmRandom.create();
    time("GetRandom 32 B", 20000, 20000, () -> tpmRandom.nextBytes(32));
  }
}
