package io.parasol.paravisor.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.parasol.isolation.HeapPartition;
import io.parasol.machine.memory.GuestMemory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Parses and loads a real distribution kernel into a heap partition, when {@code
 * -Dparasol.test.kernel=/path/to/vmlinuz} names one (e.g. Debian's linux-image-cloud-amd64).
 * Booting it needs a full KVM and belongs to the nested lab.
 */
class LinuxKernelFileTest {
  @Test
  void loadsARealKernel() throws Exception {
    String property = System.getProperty("parasol.test.kernel");
    if (property == null || property.isEmpty()) {
      System.out.println(
          "LinuxKernelFileTest skipped: set -Dparasol.test.kernel=/path/to/vmlinuz to run it");
    }
    assumeTrue(property != null && !property.isEmpty(), "parasol.test.kernel is not set");
    Path kernel = Path.of(property);
    assumeTrue(Files.isReadable(kernel), "cannot read " + kernel);

    byte[] initrd = new byte[3 << 20];
    LinuxBootImage image =
        LinuxBootImage.fromBytes(
                kernel.getFileName().toString(),
                Files.readAllBytes(kernel),
                initrd,
                "console=ttyS0")
            .withAcpiRsdp(0xE_0000L);
    SetupHeader h = image.header();
    System.out.printf(
        "%s: protocol %s, setup_sects %d, pref_address 0x%x, init_size 0x%x, alignment 0x%x,"
            + " relocatable %b, xloadflags 0x%x, cmdline_size %d, initrd_addr_max 0x%x%n",
        kernel,
        h.versionString(),
        h.setupSects(),
        h.prefAddress(),
        h.initSize(),
        h.kernelAlignment(),
        h.relocatable(),
        h.xLoadFlags(),
        h.cmdlineSize(),
        h.initrdAddrMax());
    assertTrue(h.version() >= SetupHeader.MIN_VERSION, h.versionString());
    assertTrue(h.relocatable());
    assertTrue(h.prefAddress() >= 0x10_0000 && h.prefAddress() % h.kernelAlignment() == 0);
    assertTrue(h.initSize() > image.kernel().length - h.kernelOffset());
    assertTrue(h.cmdlineSize() >= 255);

    HeapPartition p = LinuxBootImageTest.partition(512L << 20);
    image.load(p);
    GuestMemory m = p.memory();
    long zp = LinuxBootImage.ZERO_PAGE_ADDRESS;
    assertEquals(0x5372_6448, m.readInt(zp + 0x202));
    assertEquals(h.version(), m.readShort(zp + 0x206) & 0xFFFF);
    long initrdAt = m.readInt(zp + 0x218) & 0xFFFF_FFFFL;
    assertTrue(initrdAt >= h.prefAddress() + h.initSize());
    assertTrue(initrdAt + initrd.length <= (512L << 20));
    assertEquals(h.prefAddress() + 0x200, p.vp(0).getRegisters().rip());
  }
}
