package io.parasol.igvm.measure;

import io.parasol.igvm.format.Blob;
import io.parasol.igvm.format.DirectiveHeader;
import io.parasol.igvm.format.DirectiveHeader.PageData;
import io.parasol.igvm.format.DirectiveHeader.ParameterInsert;
import io.parasol.igvm.format.DirectiveHeader.VpContext;
import io.parasol.igvm.format.IgvmFile;
import io.parasol.igvm.format.PageDataType;
import java.util.Arrays;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The AMD SEV-SNP launch digest of one platform of a file: for every page the PSP processes, LD :=
 * SHA-384(PAGE_INFO), where PAGE_INFO holds the current LD, the SHA-384 of the page's contents
 * (normal and VMSA pages), a page type and the GPA (SNP ABI §8.17, format reference B1).
 *
 * <p>The page-contents hashes do not depend on each other, so they are computed in parallel on the
 * common pool; only the 112-byte PAGE_INFO chain is sequential, and it is extended while later
 * pages are still being hashed. SHA-384 is OpenSSL's libcrypto when the system has it, else the
 * JDK's ({@link Sha384}).
 */
public final class SnpLaunchDigest {
  public static final int PAGE_TYPE_NORMAL = 1;
  public static final int PAGE_TYPE_VMSA = 2;
  public static final int PAGE_TYPE_ZERO = 3;
  public static final int PAGE_TYPE_UNMEASURED = 4;
  public static final int PAGE_TYPE_SECRETS = 5;
  public static final int PAGE_TYPE_CPUID = 6;

  private static final int PAGE_INFO_BYTES = 0x70;
  private static final int PAGE = 4096;
  private static final int CHUNK = 256; // pages hashed by one thread at a time
  private static final byte[] ZERO_PAGE_HASH = Digests.sha384().digest(new byte[PAGE]);

  private SnpLaunchDigest() {}

  /** The launch digest of the platform with mask bit {@code platformBit}. */
  public static byte[] compute(IgvmFile file, int platformBit) {
    return compute(file, platformBit, Sha384::create);
  }

  /** The same with SHA-384 instances from {@code sha384} (one per thread). */
  static byte[] compute(IgvmFile file, int platformBit, Supplier<Sha384> sha384) {
    Pages pages = new Pages();
    ParameterAreas areas = new ParameterAreas(file);
    for (DirectiveHeader d : file.directivesFor(platformBit)) {
      switch (d) {
        case PageData p -> {
          if (p.shared()) {
            continue; // host-visible: not part of the launch
          }
          if (p.dataType() == PageDataType.SECRETS) {
            pages.add(PAGE_TYPE_SECRETS, p.gpa(), null);
          } else if (p.dataType() == PageDataType.CPUID_DATA
              || p.dataType() == PageDataType.CPUID_XF) {
            pages.add(PAGE_TYPE_CPUID, p.gpa(), null);
          } else if (p.unmeasured()) {
            pages.add(PAGE_TYPE_UNMEASURED, p.gpa(), null);
          } else {
            // A page without data is a normal page of zeros (igvm_defs ≥ 0.2.0).
            pages.add(PAGE_TYPE_NORMAL, p.gpa(), p.data().isEmpty() ? Blob.empty() : p.data());
          }
        }
        case ParameterInsert p -> {
          long count = areas.pages(p.parameterAreaIndex());
          for (long i = 0; i < count; i++) {
            pages.add(PAGE_TYPE_UNMEASURED, p.gpa() + i * PAGE, null);
          }
        }
        case VpContext c -> pages.add(PAGE_TYPE_VMSA, c.gpa(), c.data());
        default -> {}
      }
    }
    return pages.digest(sha384);
  }

  /** The pages in launch order; a null contents means 48 zero bytes in PAGE_INFO.CONTENTS. */
  private static final class Pages {
    private byte[] types = new byte[64];
    private long[] gpas = new long[64];
    private Blob[] contents = new Blob[64];
    private int count;

    void add(int type, long gpa, Blob data) {
      if (count == types.length) {
        types = Arrays.copyOf(types, count * 2);
        gpas = Arrays.copyOf(gpas, count * 2);
        contents = Arrays.copyOf(contents, count * 2);
      }
      types[count] = (byte) type;
      gpas[count] = gpa;
      contents[count] = data;
      count++;
    }

    byte[] digest(Supplier<Sha384> sha384) {
      byte[][] hashes = new byte[count][];
      int chunks = (count + CHUNK - 1) / CHUNK;
      Hashing hashing = new Hashing(hashes, chunks, sha384);
      int helpers = Math.min(ForkJoinPool.getCommonPoolParallelism(), chunks - 1);
      for (int h = 0; h < helpers; h++) {
        ForkJoinPool.commonPool().execute(hashing::help);
      }
      // This thread extends the chain chunk by chunk as the hashes arrive, and hashes a chunk
      // itself while the next one in the chain is not ready.
      Sha384 sha = sha384.get();
      byte[] info = new byte[PAGE_INFO_BYTES];
      byte[] ld = new byte[48];
      for (int c = 0; c < chunks; c++) {
        hashing.await(c, sha);
        for (int i = c * CHUNK; i < Math.min(count, (c + 1) * CHUNK); i++) {
          System.arraycopy(ld, 0, info, 0, 48); // DIGEST_CUR
          if (hashes[i] != null) {
            System.arraycopy(hashes[i], 0, info, 0x30, 48); // CONTENTS
          } else {
            Arrays.fill(info, 0x30, 0x60, (byte) 0);
          }
          info[0x60] = PAGE_INFO_BYTES; // LENGTH (u16)
          info[0x61] = 0;
          info[0x62] = types[i]; // PAGE_TYPE
          info[0x63] = 0; // IMI_PAGE
          Arrays.fill(info, 0x64, 0x68, (byte) 0); // VMPL permissions: none
          long gpa = gpas[i];
          for (int b = 0; b < 8; b++) {
            info[0x68 + b] = (byte) (gpa >>> (8 * b));
          }
          ld = sha.digest(info);
        }
      }
      return ld;
    }

    /**
     * The page hashes, by chunks of {@link #CHUNK} pages that any thread may claim: the pool's
     * helpers and the chaining thread. A failure in a helper is handed to the chaining thread.
     */
    private final class Hashing {
      private final byte[][] hashes;
      private final int chunks;
      private final Supplier<Sha384> sha384;
      private final AtomicInteger next = new AtomicInteger();
      private final AtomicIntegerArray done;
      private final AtomicReference<RuntimeException> failure = new AtomicReference<>();

      Hashing(byte[][] hashes, int chunks, Supplier<Sha384> sha384) {
        this.hashes = hashes;
        this.chunks = chunks;
        this.sha384 = sha384;
        this.done = new AtomicIntegerArray(chunks);
      }

      /** A helper: hashes unclaimed chunks until none is left. */
      void help() {
        try {
          Sha384 sha = null;
          for (int c = next.getAndIncrement(); c < chunks; c = next.getAndIncrement()) {
            if (sha == null) {
              sha = sha384.get();
            }
            hash(c, sha);
          }
        } catch (RuntimeException | Error e) {
          failure.compareAndSet(
              null, e instanceof RuntimeException r ? r : new IllegalStateException(e));
        }
      }

      /** Returns once chunk {@code c} is hashed, hashing unclaimed chunks meanwhile. */
      void await(int c, Sha384 sha) {
        while (done.get(c) == 0) {
          RuntimeException e = failure.get();
          if (e != null) {
            throw e;
          }
          int mine = next.getAndIncrement();
          if (mine < chunks) {
            hash(mine, sha);
          } else {
            Thread.yield(); // a helper is finishing chunk c
          }
        }
      }

      private void hash(int c, Sha384 sha) {
        for (int i = c * CHUNK; i < Math.min(count, (c + 1) * CHUNK); i++) {
          Blob data = contents[i];
          if (data != null) {
            hashes[i] = data.isEmpty() ? ZERO_PAGE_HASH : sha.digest(data);
          }
        }
        done.set(c, 1); // publishes hashes[c * CHUNK ..] to the thread that reads done
      }
    }
  }
}
