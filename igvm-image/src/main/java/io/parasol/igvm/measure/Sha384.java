package io.parasol.igvm.measure;

import io.parasol.igvm.format.Blob;
import io.parasol.igvm.measure.sys.LibCrypto;
import java.lang.foreign.MemorySegment;
import java.security.MessageDigest;

/**
 * SHA-384 of whole messages for the launch digests: OpenSSL's libcrypto when the system has it
 * (full speed from the first page and straight from a mapped file), else the JDK. Both give the
 * same digests ({@code Sha384Test}). An instance is for one thread at a time.
 */
abstract class Sha384 {
  /** An instance for the calling thread: libcrypto when present, else the JDK. */
  static Sha384 create() {
    return LibCrypto.get().<Sha384>map(Native::new).orElseGet(Jdk::new);
  }

  /** The JDK's implementation, whatever the system has. */
  static Sha384 jdk() {
    return new Jdk();
  }

  /** Whether {@link #create()} uses libcrypto. */
  static boolean isNative() {
    return LibCrypto.get().isPresent();
  }

  abstract byte[] digest(Blob data);

  abstract byte[] digest(byte[] data);

  private static final class Native extends Sha384 {
    private final LibCrypto lib;

    Native(LibCrypto lib) {
      this.lib = lib;
    }

    @Override
    byte[] digest(Blob data) {
      byte[] out = new byte[48];
      lib.sha384(data.segment(), out);
      return out;
    }

    @Override
    byte[] digest(byte[] data) {
      byte[] out = new byte[48];
      lib.sha384(MemorySegment.ofArray(data), out);
      return out;
    }
  }

  private static final class Jdk extends Sha384 {
    private final MessageDigest sha = Digests.sha384();

    @Override
    byte[] digest(Blob data) {
      data.update(sha);
      return sha.digest();
    }

    @Override
    byte[] digest(byte[] data) {
      return sha.digest(data);
    }
  }
}
