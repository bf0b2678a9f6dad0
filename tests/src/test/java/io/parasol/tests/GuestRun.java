package io.parasol.tests;

import static org.junit.jupiter.api.Assertions.fail;

import io.parasol.paravisor.boot.FlatBinaryImage;
import io.parasol.paravisor.chipset.uart.CapturingSerialBackend;
import io.parasol.paravisor.vm.VirtualMachine;
import io.parasol.paravisor.vm.VmResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;

/**
 * Runs one of the test guests (built into {@code target/guests} by the tests module) on Parasol's
 * KVM backend with the full PC chipset, and keeps what it printed on COM1 and how it ended.
 */
record GuestRun(VmResult result, String console, long deviceFaults) {
  static final Duration TIME_LIMIT = Duration.ofSeconds(60);

  static Path image(String guest) {
    Path path = Path.of("target", "guests", guest + ".bin");
    if (!Files.isRegularFile(path)) {
      fail(
          "test guest " + path.toAbsolutePath() + " is missing: the tests module's build makes it");
    }
    return path;
  }

  static GuestRun run(String guest) throws Exception {
    return run(guest, InstantSource.system());
  }

  static GuestRun run(String guest, InstantSource wallClock) throws Exception {
    KvmRequired.assume();
    CapturingSerialBackend com1 = new CapturingSerialBackend();
    try (VirtualMachine vm =
        VirtualMachine.builder()
            .memorySize(32L << 20)
            .com1(com1)
            .wallClock(wallClock)
            .boot(FlatBinaryImage.fromFile(image(guest)))
            .build()) {
      vm.start();
      Optional<VmResult> result = vm.await(TIME_LIMIT);
      if (result.isEmpty()) {
        VmResult stopped = vm.stop("test time limit");
        fail(
            "guest "
                + guest
                + " did not finish in "
                + TIME_LIMIT
                + " ("
                + stopped
                + "); console:\n"
                + com1.writtenText());
      }
      return new GuestRun(result.get(), com1.writtenText(), vm.bus().deviceFaults());
    }
  }

  /** The console's lines, without their line ends. */
  List<String> lines() {
    return console.lines().toList();
  }

  @Override
  public String toString() {
    return result + "\nconsole:\n" + console;
  }
}
