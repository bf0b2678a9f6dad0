package io.parasol.paravisor.virtio;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.parasol.isolation.kvm.Kvm;
import io.parasol.machine.io.AccessSize;
import io.parasol.machine.io.IoValue;
import io.parasol.machine.memory.GuestMemory;
import io.parasol.paravisor.boot.FlatBinaryImage;
import io.parasol.paravisor.pci.PciConfigSpace;
import io.parasol.paravisor.pci.PciEcam;
import io.parasol.paravisor.vm.VirtualMachine;
import io.parasol.paravisor.vm.VmOutcome;
import io.parasol.paravisor.vm.VmResult;
import io.parasol.virtio.device.DeviceContext;
import io.parasol.virtio.device.VirtioDevice;
import io.parasol.virtio.queue.DescriptorChain;
import io.parasol.virtio.queue.VirtqueueException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The virtio-pci function's ioeventfd and irqfd paths on the real /dev/kvm, with a purpose-built
 * guest: it writes queue 0's notification address (found through ECAM), which the hypervisor counts
 * in an eventfd, and waits for the queue's MSI-X vector, which the device raises through an irqfd;
 * then it powers off. Skipped, with the reason printed, where there is no usable KVM.
 */
@Tag("kvm")
class VirtioEventFdKvmTest {
  private static final long QUEUE_DESC = 0x20_0000;
  private static final long FLAG = 0x10_00A8;
  private static final int VECTOR = 0x40;

  /**
   * 32-bit flat code at 1 MiB (FlatBinaryImage's entry state). GDT at +0x80, its descriptor at
   * +0x98, the IDT's at +0xA0, the flag at +0xA8, the IDT at +0x100. Vector 0x40's handler sets the
   * flag and powers off; vector 0x41's only ends the interrupt and goes back to waiting. Neither
   * returns with IRET, which kvm_pvm's instruction emulator does not handle in protected mode.
   */
  private static final byte[] CODE =
      HexFormat.of()
          .parseHex(
              String.join(
                  "",
                  "0f011598001000", // lgdtl  0x100098
                  "0f011da0001000", // lidtl  0x1000a0
                  "b91b000000", // mov    $0x1b,%ecx (APIC_BASE)
                  "0f32", // rdmsr
                  "0d000c0000", // or     $0xc00,%eax (EN | EXTD: x2APIC)
                  "0f30", // wrmsr
                  "b90f080000", // mov    $0x80f,%ecx (x2APIC SVR)
                  "b8ff010000", // mov    $0x1ff,%eax (APIC enabled)
                  "31d2", // xor    %edx,%edx
                  "0f30", // wrmsr
                  "a1108000b0", // mov    0xb0008010,%eax (00:01.0's BAR 0 through ECAM)
                  "83e0f0", // and    $0xfffffff0,%eax
                  "66c780003000000000", // movw   $0x0,0x3000(%eax) (notify queue 0)
                  "fa", // wait (+0x3b): cli
                  "803da800100000", // cmpb   $0x0,0x1000a8 (the flag)
                  "7504", // jne    done
                  "fb", // sti
                  "f4", // hlt
                  "ebf2", // jmp    wait
                  "66ba0406", // done (+0x49): mov $0x604,%dx (PM1a_CNT)
                  "66b80020", // mov    $0x2000,%ax (SLP_EN)
                  "66ef", // out    %ax,(%dx)
                  "f4", // hlt
                  "c605a800100001", // handler (+0x54): movb $0x1,0x1000a8
                  "b90b080000", // mov    $0x80b,%ecx (x2APIC EOI)
                  "31c0", // xor    %eax,%eax
                  "31d2", // xor    %edx,%edx
                  "0f30", // wrmsr
                  "ebe1", // jmp    done
                  "b90b080000", // other (+0x68): mov $0x80b,%ecx
                  "31c0", // xor    %eax,%eax
                  "31d2", // xor    %edx,%edx
                  "0f30", // wrmsr
                  "83c40c", // add    $0xc,%esp (drops the interrupt frame)
                  "ebc3" // jmp    wait
                  ));

  private static final int HANDLER = 0x54;
  private static final int OTHER = 0x68;

  private static byte[] image() {
    byte[] b = new byte[0x100 + (VECTOR + 2) * 8];
    System.arraycopy(CODE, 0, b, 0, CODE.length);
    putLong(b, 0x88, 0x00CF_9A00_0000_FFFFL); // flat code, selector 0x08
    putLong(b, 0x90, 0x00CF_9200_0000_FFFFL); // flat data, selector 0x10
    putShort(b, 0x98, 23);
    putInt(b, 0x9A, 0x10_0080);
    putShort(b, 0xA0, (VECTOR + 2) * 8 - 1);
    putInt(b, 0xA2, 0x10_0100);
    gate(b, VECTOR, 0x10_0000 + HANDLER);
    gate(b, VECTOR + 1, 0x10_0000 + OTHER);
    return b;
  }

  /** A 32-bit interrupt gate for {@code vector} to {@code handler}. */
  private static void gate(byte[] b, int vector, int handler) {
    int at = 0x100 + vector * 8;
    putShort(b, at, handler & 0xFFFF);
    putShort(b, at + 2, 0x08);
    b[at + 5] = (byte) 0x8E;
    putShort(b, at + 6, handler >>> 16);
  }

  private static void putShort(byte[] b, int at, int v) {
    b[at] = (byte) v;
    b[at + 1] = (byte) (v >>> 8);
  }

  private static void putInt(byte[] b, int at, int v) {
    putShort(b, at, v);
    putShort(b, at + 2, v >>> 16);
  }

  private static void putLong(byte[] b, int at, long v) {
    putInt(b, at, (int) v);
    putInt(b, at + 4, (int) (v >>> 32));
  }

  /**
   * One queue; a notification returns the next buffer the driver made available, if any, and
   * signals the queue's interrupt (the driver's ring asks for one).
   */
  private static final class KickRecorder implements VirtioDevice {
    final List<String> notifyThreads = new CopyOnWriteArrayList<>();
    volatile DeviceContext context;

    @Override
    public int deviceId() {
      return 4;
    }

    @Override
    public long deviceFeatures() {
      return 0;
    }

    @Override
    public int queueCount() {
      return 1;
    }

    @Override
    public int configSizeBytes() {
      return 0;
    }

    @Override
    public void readConfig(int offset, byte[] dst) {}

    @Override
    public void activate(DeviceContext context) {
      this.context = context;
    }

    @Override
    public void queueNotify(int queue) {
      notifyThreads.add(Thread.currentThread().getName());
      completeOne();
    }

    void completeOne() {
      DeviceContext c = context;
      if (c == null) {
        return;
      }
      try {
        DescriptorChain chain = c.queue(0).pop();
        if (chain != null) {
          c.queue(0).pushUsed(chain, 0);
        }
      } catch (VirtqueueException e) {
        c.needsReset(e.getMessage());
      }
      c.interruptIfNeeded(0);
    }

    @Override
    public void reset() {
      context = null;
    }
  }

  private final KickRecorder device = new KickRecorder();
  private VirtualMachine vm;

  @BeforeEach
  void needKvm() throws Exception {
    String reason = null;
    if (!Files.exists(Kvm.DEFAULT_DEVICE)) {
      reason = "/dev/kvm does not exist";
    } else if (!Files.isReadable(Kvm.DEFAULT_DEVICE) || !Files.isWritable(Kvm.DEFAULT_DEVICE)) {
      reason = "/dev/kvm is not read-write accessible";
    }
    if (reason != null) {
      System.out.println("SKIPPED VirtioEventFdKvmTest: " + reason);
    }
    Assumptions.assumeTrue(reason == null, reason);
    vm =
        VirtualMachine.builder()
            .memorySize(64L << 20)
            .boot(new FlatBinaryImage("eventfd-guest", image(), 0x10_0000, 0))
            .virtio(device)
            .build();
  }

  @AfterEach
  void close() {
    if (vm != null) {
      vm.close();
    }
  }

  private VirtioPciFunction function() {
    return vm.virtioFunctions().get(0);
  }

  private long bar() {
    return function().mappedBar().base();
  }

  private void write(long offset, AccessSize size, long value) {
    vm.bus().writeMmio(bar() + offset, new IoValue(size, value));
  }

  private void cfgWrite(int register, AccessSize size, long value) {
    vm.bus().writeMmio(PciEcam.DEFAULT_BASE + (1L << 15) + register, new IoValue(size, value));
  }

  /**
   * Does what a driver does up to DRIVER_OK, from the host: one queue of 16 with two buffers
   * available, MSI-X vector 0 sending {@code msiData}.
   */
  private void driverSetup(int msiData) throws Exception {
    GuestMemory memory = vm.partition().memory();
    for (int i = 0; i < 2; i++) {
      long desc = QUEUE_DESC + 16L * i; // §2.7.5: addr, len, flags (WRITE), next
      memory.writeLong(desc, QUEUE_DESC + 0x3000 + 0x100L * i);
      memory.writeInt(desc + 8, 0x100);
      memory.writeShort(desc + 12, (short) 2);
      memory.writeShort(QUEUE_DESC + 0x1000 + 4 + 2L * i, (short) i); // avail ring[i]
    }
    memory.writeShort(QUEUE_DESC + 0x1000 + 2, (short) 2); // avail idx
    write(VirtioPciFunction.DEVICE_STATUS, AccessSize.BYTE, 3); // ACKNOWLEDGE | DRIVER
    write(VirtioPciFunction.DRIVER_FEATURE_SELECT, AccessSize.DWORD, 1);
    write(VirtioPciFunction.DRIVER_FEATURE, AccessSize.DWORD, 1); // VERSION_1
    write(VirtioPciFunction.DEVICE_STATUS, AccessSize.BYTE, 0xB); // | FEATURES_OK
    write(VirtioPciFunction.QUEUE_SELECT, AccessSize.WORD, 0);
    write(VirtioPciFunction.QUEUE_SIZE, AccessSize.WORD, 16);
    write(VirtioPciFunction.QUEUE_DESC, AccessSize.QWORD, QUEUE_DESC);
    write(VirtioPciFunction.QUEUE_DRIVER, AccessSize.QWORD, QUEUE_DESC + 0x1000);
    write(VirtioPciFunction.QUEUE_DEVICE, AccessSize.QWORD, QUEUE_DESC + 0x2000);
    write(VirtioPciFunction.QUEUE_MSIX_VECTOR, AccessSize.WORD, 0);
    write(VirtioPciFunction.QUEUE_ENABLE, AccessSize.WORD, 1);
    long entry = VirtioPciFunction.MSIX_TABLE_OFFSET;
    write(entry, AccessSize.DWORD, 0xFEE0_0000L); // APIC ID 0
    write(entry + 4, AccessSize.DWORD, 0);
    write(entry + 8, AccessSize.DWORD, msiData);
    write(entry + 12, AccessSize.DWORD, 0); // unmasked
    cfgWrite(function().msix().capabilityOffset() + 2, AccessSize.WORD, 0x8000); // MSI-X Enable
    write(VirtioPciFunction.DEVICE_STATUS, AccessSize.BYTE, 0xF); // | DRIVER_OK
  }

  private VmResult runGuest() throws Exception {
    vm.start();
    Optional<VmResult> result = vm.await(Duration.ofSeconds(20));
    if (result.isEmpty()) {
      vm.stop("test timeout");
      throw new AssertionError(
          "the guest did not power off in 20 s; flag="
              + vm.partition().memory().readByte(FLAG)
              + ", notifications on "
              + device.notifyThreads
              + ", MSI-X messages "
              + function().msix().deliveredMessages());
    }
    return result.get();
  }

  @Test
  void notificationReachesTheDeviceThroughAnEventfdAndItsInterruptThroughAnIrqfd()
      throws Exception {
    driverSetup(VECTOR);
    assertEquals(bar() + VirtioPciFunction.NOTIFY_OFFSET, function().notifyEventFdAddress());
    VmResult result = runGuest();
    assertEquals(VmOutcome.POWERED_OFF, result.outcome(), result.toString());
    assertEquals(1, vm.partition().memory().readByte(FLAG), "the guest took vector 0x40");
    assertEquals(List.of("virtio-pci-00:01.0-kick-0"), device.notifyThreads);
    assertEquals(1, function().msix().irqfdMessages());
    assertEquals(1, function().msix().deliveredMessages());
  }

  @Test
  void reprogrammedVectorIsRoutedAgain() throws Exception {
    // First vector 0x41 (which the guest only acknowledges): an irqfd routed to it is opened.
    driverSetup(VECTOR + 1);
    device.completeOne();
    assertEquals(1, function().msix().irqfdMessages());
    // The guest reprograms the entry: the guest's notification must now bring vector 0x40.
    write(VirtioPciFunction.MSIX_TABLE_OFFSET + 8, AccessSize.DWORD, VECTOR);
    VmResult result = runGuest();
    assertEquals(VmOutcome.POWERED_OFF, result.outcome(), result.toString());
    assertEquals(1, vm.partition().memory().readByte(FLAG));
    assertEquals(2, function().msix().irqfdMessages());
  }

  @Test
  void eventfdsFollowTheBarAndGoOnReset() throws Exception {
    driverSetup(VECTOR);
    long old = bar();
    long moved = old + 0x10_0000;
    int bar0 = PciConfigSpace.BAR0;
    cfgWrite(bar0, AccessSize.DWORD, moved | 0b100);
    assertEquals(moved, function().mappedBar().base());
    assertEquals(moved + VirtioPciFunction.NOTIFY_OFFSET, function().notifyEventFdAddress());
    cfgWrite(PciConfigSpace.COMMAND, AccessSize.WORD, 0); // Memory Space off
    assertEquals(-1, function().notifyEventFdAddress());
    cfgWrite(PciConfigSpace.COMMAND, AccessSize.WORD, 2);
    assertEquals(moved + VirtioPciFunction.NOTIFY_OFFSET, function().notifyEventFdAddress());
    write(VirtioPciFunction.DEVICE_STATUS, AccessSize.BYTE, 0); // driver reset
    assertEquals(-1, function().notifyEventFdAddress());
  }
}
