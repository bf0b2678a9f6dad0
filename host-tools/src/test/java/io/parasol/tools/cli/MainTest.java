package io.parasol.tools.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
  record Result(int exitCode, String out, String err) {}

  static Result parasol(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Result(code, out.toString(), err.toString());
  }

  @Test
  void helpListsTheCommandsAndTheExitCodes() {
    Result r = parasol("--help");
    assertEquals(0, r.exitCode());
    assertTrue(r.out().contains("run"), r.out());
    assertTrue(r.out().contains("bench"), r.out());
    assertTrue(r.out().contains("igvm"), r.out());
    assertTrue(r.out().contains("--log-level"), r.out());
    assertTrue(r.out().contains("11 triple fault"), r.out());
  }

  @Test
  void runHelpDescribesItsOptions() {
    Result r = parasol("run", "--help");
    assertEquals(0, r.exitCode());
    for (String option :
        new String[] {
          "--flat", "--memory", "--cpus", "--serial", "--no-reboot", "--disk", "--rng"
        }) {
      assertTrue(r.out().contains(option), option + " in\n" + r.out());
    }
  }

  @Test
  void runNeedsExactlyOneGuestAndKernelOptionsOnlyWithAKernel() {
    Result none = parasol("run", "--serial", "none");
    assertEquals(2, none.exitCode());
    assertTrue(none.err().contains("Missing the guest: give --kernel FILE"), none.err());
    Result two = parasol("run", "--serial", "none", "--kernel", "k", "--flat", "x.bin");
    assertEquals(2, two.exitCode());
    assertTrue(two.err().contains("mutually exclusive"), two.err());
    Result initrd = parasol("run", "--serial", "none", "--flat", "x.bin", "--initrd", "i");
    assertEquals(2, initrd.exitCode());
    assertTrue(initrd.err().contains("--initrd and --cmdline go with --kernel"), initrd.err());
    Result cmdline = parasol("run", "--serial", "none", "--igvm", "x.igvm", "--cmdline", "quiet");
    assertEquals(2, cmdline.exitCode());
    assertTrue(cmdline.err().contains("--initrd and --cmdline go with --kernel"), cmdline.err());
  }

  @Test
  void anUnknownLogLevelIsAUsageError() {
    Result r = parasol("--log-level", "loud", "--help");
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("unknown log level 'loud'"), r.err());
  }

  @Test
  void badSizesAndSerialBackEndsAreUsageErrorsThatSayWhy() {
    Result size = parasol("run", "--flat", "x.bin", "--memory", "lots");
    assertEquals(2, size.exitCode());
    assertTrue(size.err().contains("'lots' is not a size"), size.err());
    Result serial = parasol("run", "--flat", "x.bin", "--serial", "tcp:1234");
    assertEquals(2, serial.exitCode());
    assertTrue(serial.err().contains("not a serial back end"), serial.err());
  }

  @Test
  void aVirtioTransportOtherThanPciOrMmioIsAUsageError() {
    Result r = parasol("run", "--flat", "x.bin", "--virtio-transport", "ccw");
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("--virtio-transport takes 'pci' or 'mmio', not 'ccw'"), r.err());
    assertTrue(parasol("run", "--help").out().contains("--virtio-transport"));
  }

  @Test
  void tpmOptionsAreCheckedBeforeAnythingStarts(@TempDir Path dir) {
    Result mode = parasol("run", "--flat", "x.bin", "--tpm", "persistent");
    assertEquals(2, mode.exitCode());
    assertTrue(
        mode.err().contains("--tpm takes 'ephemeral' or 'none', not 'persistent'"), mode.err());
    Result both =
        parasol(
            "run", "--flat", "x.bin", "--tpm", "ephemeral", "--tpm-state", dir.toString() + "/s");
    assertEquals(2, both.exitCode());
    assertTrue(both.err().contains("either --tpm-state DIR or --tpm ephemeral"), both.err());
    assertFalse(Files.exists(dir.resolve("s")), "no state created on a usage error");
  }

  @Test
  void aMissingGuestImageIsOneSentenceWithoutAStackTrace(@TempDir Path dir) {
    Result r = parasol("run", "--serial", "none", "--flat", dir.resolve("missing.bin").toString());
    assertEquals(1, r.exitCode());
    assertTrue(r.err().startsWith("parasol: cannot read the guest image"), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertFalse(r.err().contains("\tat "), r.err());
  }

  @Test
  void diskOptionsAreCheckedBeforeTheVmStarts(@TempDir Path dir) throws Exception {
    Result usage = parasol("run", "--flat", "x.bin", "--disk", ",ro");
    assertEquals(2, usage.exitCode());
    assertTrue(
        usage
            .err()
            .contains(
                "--disk takes FILE[,ro][,queues=N] (N from 1 to 16) or vhost-user:SOCKET[,ro],"
                    + " not ',ro'"),
        usage.err());
    Path guest = Files.write(dir.resolve("guest.bin"), new byte[] {(byte) 0xF4});
    Path missing = dir.resolve("missing.img");
    Result absent =
        parasol(
            "run",
            "--serial",
            "none",
            "--tpm",
            "none",
            "--flat",
            guest.toString(),
            "--disk",
            missing + ",ro");
    assertEquals(1, absent.exitCode(), absent.err());
    assertEquals(
        "parasol: the disk image " + missing + " is not a regular file", absent.err().strip());
    Path odd = Files.write(dir.resolve("odd.img"), new byte[1000]);
    Result ragged =
        parasol(
            "run",
            "--serial",
            "none",
            "--tpm",
            "none",
            "--flat",
            guest.toString(),
            "--disk",
            odd.toString(),
            "--rng");
    assertEquals(1, ragged.exitCode(), ragged.err());
    assertTrue(ragged.err().contains("not a whole number of 512-byte sectors"), ragged.err());
  }

  @Test
  void sizesUseBinaryUnits() {
    SizeConverter sizes = new SizeConverter();
    assertEquals(512L << 20, sizes.convert("512M"));
    assertEquals(2L << 30, sizes.convert("2GiB"));
    assertEquals(4096L, sizes.convert("4096"));
  }
}
