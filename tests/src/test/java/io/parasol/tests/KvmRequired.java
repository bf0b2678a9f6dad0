package io.parasol.tests;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** Skips a test, saying why, where this machine has no usable /dev/kvm. */
final class KvmRequired {
  private KvmRequired() {}

  static void assume() {
    Path kvm = Path.of("/dev/kvm");
    String reason = null;
    if (!Files.exists(kvm)) {
      reason = "/dev/kvm does not exist on this machine";
    } else if (!Files.isReadable(kvm) || !Files.isWritable(kvm)) {
      reason = "/dev/kvm is not readable and writable by this user";
    }
    if (reason != null) {
      System.err.println("SKIPPED (needs KVM): " + reason);
    }
    Assumptions.assumeTrue(reason == null, reason);
  }
}
