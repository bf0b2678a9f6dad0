package io.parasol.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The stock Debian cloud kernel booted by Parasol inside the nested lab ({@code tests/lab}): QEMU
 * TCG with SVM, kvm_amd in L1, Parasol in L1. One lab session runs several {@code parasol run}s and
 * each test reads its section of the transcript.
 *
 * <p>Opt-in for now ({@code -Dparasol.lab=true}): a lab session takes about two minutes and
 * installs QEMU from Debian when it is missing.
 */
@Tag("lab")
class LinuxLabIT {
  private static final long LAB_TIME_LIMIT_SECONDS = 900;
  private static String transcript;

  private static final String SCRIPT =
      """
      set -u
      run() { name=$1; shift
        echo "== RUN $name start=$(date +%s)"
        timeout 300 ./parasol run --memory 512M --no-reboot --serial stdio \\
          --kernel target/images/vmlinuz --initrd target/images/initramfs.cpio.gz "$@"
        echo "== RUN $name exit=$? end=$(date +%s)"
      }
      run one-cpu --cpus 1 --cmdline "console=ttyS0 quiet parasol.test=facts"
      run two-cpus --cpus 2 --cmdline "console=ttyS0 quiet"
      run reboot --cpus 1 --cmdline "console=ttyS0 quiet parasol.test=reboot"
      """;

  @BeforeAll
  static void bootInTheLab() throws Exception {
    boolean wanted = Boolean.getBoolean("parasol.lab");
    if (!wanted) {
      System.err.println("SKIPPED (lab): run with -Dparasol.lab=true to boot Linux in the lab");
    }
    Assumptions.assumeTrue(wanted, "the nested lab is opt-in: -Dparasol.lab=true");
    Path root = Path.of("..").toAbsolutePath().normalize();
    run(root, "scripts/guest-images");
    transcript = run(root, "tests/lab/run-in-lab", "sh", "-c", SCRIPT);
  }

  private static String run(Path root, String... command) throws IOException, InterruptedException {
    Path log = Files.createTempFile("parasol-lab", ".log");
    Process p =
        new ProcessBuilder(command)
            .directory(root.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    if (!p.waitFor(LAB_TIME_LIMIT_SECONDS, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail(String.join(" ", command) + " did not finish in " + LAB_TIME_LIMIT_SECONDS + " s");
    }
    String out = Files.readString(log, StandardCharsets.UTF_8);
    if (p.exitValue() != 0) {
      fail(String.join(" ", command) + " failed with " + p.exitValue() + ":\n" + out);
    }
    return out;
  }

  /** The console and markers of one {@code parasol run} in the transcript. */
  private static String section(String name) {
    int start = transcript.indexOf("== RUN " + name + " start=");
    int end = transcript.indexOf("== RUN " + name + " exit=");
    assertTrue(start >= 0 && end > start, "no section " + name + " in:\n" + transcript);
    return transcript.substring(start, transcript.indexOf('\n', end) + 1);
  }

  private static long field(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    assertTrue(m.find(), regex + " in:\n" + text);
    return Long.parseLong(m.group(1));
  }

  @Test
  void stockKernelBootsOnOneVcpuAndPowersOffWithStatusZero() {
    String run = section("one-cpu");
    assertTrue(run.contains("PARASOL-GUEST-UP"), run);
    assertEquals(1, field(run, "nproc=(\\d+)"));
    assertEquals(0, field(run, "exit=(\\d+)"), run);
  }

  @Test
  void theGuestClockComesFromTheRtcAndMatchesTheHost() {
    String run = section("one-cpu");
    long start = field(run, "start=(\\d+)");
    long end = field(run, "end=(\\d+)");
    long guest = field(run, "date=(\\d+)");
    assertTrue(
        guest >= start - 2 && guest <= end + 2, "guest " + guest + " host " + start + ".." + end);
  }

  @Test
  void timerAndSerialInterruptsArriveThroughTheIoApic() {
    String run = section("one-cpu");
    assertTrue(run.matches("(?s).*IO-APIC\\s+2-edge\\s+timer.*"), run);
    assertTrue(run.matches("(?s).*IO-APIC\\s+4-edge\\s+ttyS0.*"), run);
  }

  @Test
  void twoVcpusComeUpThroughInitSipi() {
    String run = section("two-cpus");
    assertEquals(2, field(run, "nproc=(\\d+)"), run);
    assertEquals(0, field(run, "exit=(\\d+)"), run);
  }

  @Test
  void rebootEndsTheRunWithTheResetStatus() {
    String run = section("reboot");
    assertTrue(run.contains("PARASOL-GUEST-UP"), run);
    assertEquals(10, field(run, "exit=(\\d+)"), run);
  }
}
