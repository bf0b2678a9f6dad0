package io.parasol.igvm.measure.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * SHA-384 by OpenSSL 3's libcrypto ({@code EVP_Digest} with a digest fetched once): it hashes
 * straight from heap or mapped memory, at full speed from the first call (the JDK's SHA-384
 * intrinsic runs only once C2 has compiled the caller, which a one-shot CLI reaches late). Absent
 * when the library or its symbols are missing; callers then use the JDK.
 */
public final class LibCrypto {
  private static final Optional<LibCrypto> INSTANCE = load();

  private final MethodHandle evpDigest;
  private final MemorySegment sha384;

  private LibCrypto(MethodHandle evpDigest, MemorySegment sha384) {
    this.evpDigest = evpDigest;
    this.sha384 = sha384;
  }

  /** The library, or empty when this system has no usable libcrypto.so.3. */
  public static Optional<LibCrypto> get() {
    return INSTANCE;
  }

  private static Optional<LibCrypto> load() {
    if (Boolean.getBoolean("parasol.igvm.noLibcrypto")) {
      return Optional.empty();
    }
    try {
      Linker linker = Linker.nativeLinker();
      // Restricted: loads libcrypto.so.3 into the process for its lifetime (the global arena); the
      // lookup is thread-safe and the library is never unloaded.
      SymbolLookup crypto = SymbolLookup.libraryLookup("libcrypto.so.3", Arena.global());
      // Restricted: EVP_MD *EVP_MD_fetch(OSSL_LIB_CTX *ctx, const char *algorithm, const char
      // *properties). Called once, here, on one thread.
      MethodHandle fetch =
          linker.downcallHandle(
              crypto.findOrThrow("EVP_MD_fetch"),
              FunctionDescriptor.of(
                  ValueLayout.ADDRESS,
                  ValueLayout.ADDRESS,
                  ValueLayout.ADDRESS,
                  ValueLayout.ADDRESS));
      // Restricted: int EVP_Digest(const void *data, size_t count, unsigned char *md, unsigned int
      // *size, const EVP_MD *type, ENGINE *impl). Critical with heap access: it reads `count` bytes
      // of `data` and writes 48 bytes to `md` (both may be Java arrays, pinned for the call, which
      // takes microseconds and never calls back into Java); it keeps no pointer after returning and
      // is thread-safe with a shared, fetched EVP_MD.
      MethodHandle digest =
          linker.downcallHandle(
              crypto.findOrThrow("EVP_Digest"),
              FunctionDescriptor.of(
                  ValueLayout.JAVA_INT,
                  ValueLayout.ADDRESS,
                  ValueLayout.JAVA_LONG,
                  ValueLayout.ADDRESS,
                  ValueLayout.ADDRESS,
                  ValueLayout.ADDRESS,
                  ValueLayout.ADDRESS),
              Linker.Option.critical(true));
      MemorySegment md;
      try (Arena arena = Arena.ofConfined()) {
        // The name lives until the call returns; the fetched EVP_MD is kept for the process's
        // lifetime (never freed) and only ever passed back to libcrypto, so it is not
        // reinterpreted.
        md =
            (MemorySegment)
                fetch.invokeExact(
                    MemorySegment.NULL, arena.allocateFrom("SHA384"), MemorySegment.NULL);
      }
      if (md.equals(MemorySegment.NULL)) {
        return Optional.empty();
      }
      LibCrypto lib = new LibCrypto(digest, md);
      // A known answer before the library is trusted: SHA-384("abc") (FIPS 180-4 example).
      byte[] out = new byte[48];
      lib.sha384(
          MemorySegment.ofArray("abc".getBytes(java.nio.charset.StandardCharsets.US_ASCII)), out);
      if (!java.util.HexFormat.of()
          .formatHex(out)
          .equals(
              "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed"
                  + "8086072ba1e7cc2358baeca134c825a7")) {
        return Optional.empty();
      }
      return Optional.of(lib);
    } catch (Throwable e) {
      // No library, no symbol, or native access refused: the JDK's digest is used instead.
      return Optional.empty();
    }
  }

  /**
   * Writes SHA-384 of {@code data} (heap or native memory) to {@code out[0, 48)}. Thread-safe.
   *
   * @throws IllegalStateException when libcrypto reports a failure
   */
  public void sha384(MemorySegment data, byte[] out) {
    java.util.Objects.checkFromIndexSize(0, 48, out.length);
    int ok;
    try {
      ok =
          (int)
              evpDigest.invokeExact(
                  data,
                  data.byteSize(),
                  MemorySegment.ofArray(out),
                  MemorySegment.NULL,
                  sha384,
                  MemorySegment.NULL);
    } catch (Throwable e) {
      throw new IllegalStateException("EVP_Digest could not be called", e);
    }
    if (ok != 1) {
      throw new IllegalStateException("EVP_Digest(SHA384) failed");
    }
  }
}
