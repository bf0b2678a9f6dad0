package io.parasol.isolation.kvm;

import io.parasol.isolation.HypervisorException;
import io.parasol.isolation.PartitionConfig;
import io.parasol.isolation.kvm.sys.Errno;
import io.parasol.isolation.kvm.sys.ErrnoException;
import io.parasol.isolation.kvm.sys.KvmAbi;
import io.parasol.isolation.kvm.sys.LibC;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An open {@code /dev/kvm}: checks the API version and the capabilities Parasol relies on, and
 * creates partitions. Partitions outlive it (each keeps what it needs from the device).
 */
public final class Kvm implements AutoCloseable {
  /** The usual device path. */
  public static final Path DEFAULT_DEVICE = Path.of("/dev/kvm");

  /** Capabilities the backend cannot work without, with their names for error messages. */
  private static final int[] REQUIRED_CAPS = {
    KvmAbi.KVM_CAP_USER_MEMORY,
    KvmAbi.KVM_CAP_SPLIT_IRQCHIP,
    KvmAbi.KVM_CAP_IRQ_ROUTING,
    KvmAbi.KVM_CAP_SIGNAL_MSI,
    KvmAbi.KVM_CAP_IRQFD,
    KvmAbi.KVM_CAP_IOEVENTFD,
    KvmAbi.KVM_CAP_IMMEDIATE_EXIT,
    KvmAbi.KVM_CAP_EXT_CPUID,
  };

  private final Path device;
  private final int fd;
  private boolean closed;

  private Kvm(Path device, int fd) {
    this.device = device;
    this.fd = fd;
  }

  /** Opens {@link #DEFAULT_DEVICE}. */
  public static Kvm open() throws HypervisorException {
    return open(DEFAULT_DEVICE);
  }

  /**
   * Opens the KVM device at {@code device}, checks the API version and required capabilities.
   *
   * @throws HypervisorException with a sentence a user can act on when the device is missing, not
   *     accessible, or too old
   */
  public static Kvm open(Path device) throws HypervisorException {
    int fd;
    try {
      fd = LibC.open(device.toString(), LibC.O_RDWR | LibC.O_CLOEXEC, "open " + device);
    } catch (ErrnoException e) {
      throw switch (e.errno()) {
        case Errno.ENOENT, Errno.ENODEV, Errno.ENXIO ->
            new HypervisorException(
                device
                    + " does not exist: this host has no KVM (load kvm_intel/kvm_amd, or run where"
                    + " hardware virtualisation is available)",
                e);
        case Errno.EACCES, Errno.EPERM ->
            new HypervisorException(
                "no permission to open "
                    + device
                    + " ("
                    + Errno.describe(e.errno())
                    + "): give this user read-write access to it, usually by adding the user to"
                    + " group kvm",
                e);
        default -> e;
      };
    }
    Kvm kvm = new Kvm(device, fd);
    try {
      int version = LibC.ioctl(fd, KvmAbi.KVM_GET_API_VERSION, 0L, "KVM_GET_API_VERSION");
      if (version != KvmAbi.API_VERSION) {
        throw new HypervisorException(
            device
                + " speaks KVM API version "
                + version
                + ", Parasol needs "
                + KvmAbi.API_VERSION);
      }
      for (int cap : REQUIRED_CAPS) {
        if (kvm.checkExtension(cap) <= 0) {
          throw new HypervisorException(
              "the KVM behind "
                  + device
                  + " lacks "
                  + capabilityName(cap)
                  + ", which Parasol needs");
        }
      }
    } catch (HypervisorException | RuntimeException e) {
      kvm.close();
      throw e;
    }
    return kvm;
  }

  /** KVM_CHECK_EXTENSION: 0 if unsupported, else a capability-specific positive value. */
  public int checkExtension(int capability) throws HypervisorException {
    return LibC.ioctl(fd, KvmAbi.KVM_CHECK_EXTENSION, capability, "KVM_CHECK_EXTENSION");
  }

  /** Whether the named capability is available. */
  public boolean hasCapability(int capability) throws HypervisorException {
    return checkExtension(capability) > 0;
  }

  /** The name of a {@code KVM_CAP_*} number, for messages. */
  public static String capabilityName(int capability) {
    return switch (capability) {
      case KvmAbi.KVM_CAP_USER_MEMORY -> "KVM_CAP_USER_MEMORY";
      case KvmAbi.KVM_CAP_SET_TSS_ADDR -> "KVM_CAP_SET_TSS_ADDR";
      case KvmAbi.KVM_CAP_EXT_CPUID -> "KVM_CAP_EXT_CPUID";
      case KvmAbi.KVM_CAP_NR_VCPUS -> "KVM_CAP_NR_VCPUS";
      case KvmAbi.KVM_CAP_IRQ_ROUTING -> "KVM_CAP_IRQ_ROUTING";
      case KvmAbi.KVM_CAP_IRQFD -> "KVM_CAP_IRQFD";
      case KvmAbi.KVM_CAP_IOEVENTFD -> "KVM_CAP_IOEVENTFD";
      case KvmAbi.KVM_CAP_SET_IDENTITY_MAP_ADDR -> "KVM_CAP_SET_IDENTITY_MAP_ADDR";
      case KvmAbi.KVM_CAP_MAX_VCPUS -> "KVM_CAP_MAX_VCPUS";
      case KvmAbi.KVM_CAP_SIGNAL_MSI -> "KVM_CAP_SIGNAL_MSI";
      case KvmAbi.KVM_CAP_READONLY_MEM -> "KVM_CAP_READONLY_MEM";
      case KvmAbi.KVM_CAP_SPLIT_IRQCHIP -> "KVM_CAP_SPLIT_IRQCHIP";
      case KvmAbi.KVM_CAP_X2APIC_API -> "KVM_CAP_X2APIC_API";
      case KvmAbi.KVM_CAP_IMMEDIATE_EXIT -> "KVM_CAP_IMMEDIATE_EXIT";
      default -> "KVM capability " + capability;
    };
  }

  /** The device this was opened from. */
  public Path device() {
    return device;
  }

  /** Creates a partition: a VM with its memory and vCPUs. */
  public KvmPartition createPartition(PartitionConfig config) throws HypervisorException {
    requireOpen();
    int mmapSize = LibC.ioctl(fd, KvmAbi.KVM_GET_VCPU_MMAP_SIZE, 0L, "KVM_GET_VCPU_MMAP_SIZE");
    return KvmPartition.create(fd, config, mmapSize, supportedCpuid());
  }

  /** KVM_GET_SUPPORTED_CPUID, as raw {@code kvm_cpuid_entry2} bytes. */
  CpuidEntries supportedCpuid() throws HypervisorException {
    // api.rst 4.46 KVM_GET_SUPPORTED_CPUID: E2BIG means the array was too small; grow and retry.
    for (int capacity = 64; ; capacity *= 2) {
      try (Arena arena = Arena.ofConfined()) {
        MemorySegment buf =
            arena.allocate(KvmAbi.CPUID2_HEADER_SIZE + capacity * KvmAbi.CPUID_ENTRY_SIZE, 8);
        buf.set(java.lang.foreign.ValueLayout.JAVA_INT, 0, capacity);
        try {
          LibC.ioctl(fd, KvmAbi.KVM_GET_SUPPORTED_CPUID, buf, "KVM_GET_SUPPORTED_CPUID");
        } catch (ErrnoException e) {
          if (e.errno() == Errno.E2BIG && capacity < 4096) {
            continue;
          }
          throw e;
        }
        CpuidEntries supported =
            CpuidEntries.fromKvmCpuid2(buf).withBrandString(hostProcessorName());
        // KVM emulates the LAPIC's TSC-deadline mode but reports it as a capability, not in
        // this table (api.rst 4.46). A guest with it programs its timer with one MSR write and
        // skips calibrating the LAPIC timer against the PM timer at boot.
        return hasCapability(KvmAbi.KVM_CAP_TSC_DEADLINE_TIMER)
            ? supported.withTscDeadlineTimer()
            : supported;
      }
    }
  }

  /** The host's processor name ({@code model name} in /proc/cpuinfo), or null. */
  static String hostProcessorName() {
    try (var lines = Files.lines(Path.of("/proc/cpuinfo"))) {
      return lines
          .filter(l -> l.startsWith("model name"))
          .map(l -> l.substring(l.indexOf(':') + 1).strip())
          .findFirst()
          .orElse(null);
    } catch (IOException | UncheckedIOException e) {
      return null; // the guest sees KVM's (empty) brand leaves
    }
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException(device + " is closed");
    }
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      LibC.close(fd);
    }
  }
}
