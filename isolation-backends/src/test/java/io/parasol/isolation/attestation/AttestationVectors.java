package io.parasol.isolation.attestation;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Reads the real-hardware vectors in test resources (see attestation-vectors/README.md). */
public final class AttestationVectors {
  private AttestationVectors() {}

  /** The bytes of {@code path}, relative to attestation-vectors/. */
  public static byte[] read(String path) {
    try (InputStream in =
        AttestationVectors.class.getResourceAsStream(
            "/io/parasol/isolation/attestation-vectors/" + path)) {
      if (in == null) {
        throw new IllegalArgumentException("no test vector " + path);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
