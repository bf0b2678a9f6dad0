package io.parasol.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.parasol.igvm.build.ImageBuilder;
import io.parasol.igvm.build.Recipe;
import io.parasol.igvm.format.IgvmWriter;
import io.parasol.paravisor.boot.BootException;
import io.parasol.paravisor.boot.IgvmBootImage;
import io.parasol.paravisor.chipset.uart.CapturingSerialBackend;
import io.parasol.paravisor.vm.VirtualMachine;
import io.parasol.paravisor.vm.VmOutcome;
import io.parasol.paravisor.vm.VmResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An IGVM image made by the builder (`parasol igvm build`'s library) from the igvm-params test
 * guest boots on KVM through its NATIVE platform, and the guest reports the VP count, command line
 * and memory map it found in the parameter area.
 */
@Tag("kvm")
class IgvmBootIT {
  private static Path image(Path dir, String memory) throws Exception {
    Files.copy(GuestRun.image("igvm-params"), dir.resolve("igvm-params.bin"));
    Path recipe = dir.resolve("recipe.json");
    Files.writeString(
        recipe,
        """
        {"platforms": [{"type": "native"}, {"type": "snp"}], "memory": {"bytes": "%s"},
         "payload": {"pages": [{"gpa": "0x100000", "file": "igvm-params.bin"}],
                     "entry": {"mode": "protected32", "rip": "0x100000"}}}
        """
            .formatted(memory));
    Path igvm = dir.resolve("params.igvm");
    Files.write(
        igvm,
        IgvmWriter.write(ImageBuilder.build(Recipe.read(recipe), ImageBuilder.Progress.NONE)));
    return igvm;
  }

  private static String boot(Path igvm, String cmdline, long memoryBytes, int vcpus)
      throws Exception {
    KvmRequired.assume();
    CapturingSerialBackend com1 = new CapturingSerialBackend();
    try (VirtualMachine vm =
        VirtualMachine.builder()
            .memorySize(memoryBytes)
            .vcpus(vcpus)
            .com1(com1)
            .boot(IgvmBootImage.fromFile(igvm, cmdline))
            .build()) {
      vm.start();
      Optional<VmResult> result = vm.await(GuestRun.TIME_LIMIT);
      if (result.isEmpty()) {
        fail(
            "the IGVM guest did not finish: "
                + vm.stop("test time limit")
                + "\n"
                + com1.writtenText());
      }
      assertEquals(VmOutcome.POWERED_OFF, result.get().outcome(), com1.writtenText());
      return com1.writtenText();
    }
  }

  @Test
  void theGuestReceivesVpCountCommandLineAndMemoryMap(@TempDir Path dir) throws Exception {
    String console = boot(image(dir, "32M"), "console=ttyS0 hello from the host", 64L << 20, 2);
    List<String> lines = console.lines().toList();
    assertTrue(lines.contains("IGVM vp_count=2"), console);
    assertTrue(lines.contains("IGVM cmdline=console=ttyS0 hello from the host"), console);
    // 64 MiB of RAM from GPA 0: 0x4000 pages of memory (type 0).
    assertTrue(lines.contains("IGVM mem 0 page=0:00000000 pages=0:00004000 type=0"), console);
    assertTrue(lines.contains("IGVM mem entries=1"), console);
    assertEquals("DONE", lines.getLast(), console);
  }

  @Test
  void anImageNeedingMoreRamThanTheVmHasIsRefused(@TempDir Path dir) throws Exception {
    KvmRequired.assume();
    Path igvm = image(dir, "64M");
    BootException e =
        assertThrows(
            BootException.class,
            () ->
                VirtualMachine.builder()
                    .memorySize(16L << 20)
                    .boot(IgvmBootImage.fromFile(igvm, ""))
                    .build()
                    .close());
    assertTrue(e.getMessage().contains("requires memory"), e.getMessage());
  }
}
