package io.parasol.paravisor.boot;

import io.parasol.isolation.HeapPartition;
import io.parasol.isolation.PartitionConfig;

/** Kernels for tests outside this package. */
public final class TestKernels {
  private TestKernels() {}

  /**
   * A minimal bzImage (boot sector, setup sectors, a patterned kernel) that loads but never runs.
   */
  public static byte[] minimalBzImage() {
    return LinuxBootImageTest.image().array();
  }

  /** A heap partition whose boot vCPU has reset state, so a {@link LinuxBootImage} loads. */
  public static HeapPartition partition(PartitionConfig config) {
    return LinuxBootImageTest.withResetState(new HeapPartition(config));
  }
}
