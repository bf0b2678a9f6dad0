package io.parasol.paravisor.boot;

import io.parasol.isolation.HypervisorException;
import io.parasol.isolation.Partition;
import java.util.List;

/** Something the VM can boot: it loads itself into a partition and sets the boot vCPU's state. */
public interface BootImage {
  /** Copies the payload into guest memory and sets vCPU 0's registers for its entry. */
  void load(Partition partition) throws BootException, HypervisorException;

  /**
   * What a measured boot extends into the vTPM for this image, in order: the code it runs and the
   * data and configuration it hands that code.
   */
  List<BootMeasurement> measurements() throws BootException;
}
