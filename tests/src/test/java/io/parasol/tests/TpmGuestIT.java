package io.parasol.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Linux guest on Parasol's vTPM: QEMU (TCG, no KVM needed) boots the stock Debian cloud kernel
 * with the test initramfs ({@code scripts/guest-images}, test {@code tpm}) and {@code -tpmdev
 * emulator} on the control socket of {@code parasol tpm serve --swtpm-unix} (QEMU hands the data
 * channel over with {@code CMD_SET_DATAFD}); the kernel's {@code tpm_crb} driver binds. The host
 * extends PCR 16 through tpm2-tools on the mssim port of the same server, after the firmware's
 * TPM2_Startup(CLEAR) (which resets PCRs, so the guest script waits for the extension), and every
 * SHA-256 PCR the guest reads from {@code /sys/class/tpm/tpm0/pcr-sha256/N} must equal what the
 * host reads with {@code tpm2_pcrread}: SeaBIOS's measurements in PCRs 0–7, IMA's boot aggregate in
 * PCR 10, the host's PCR 16.
 */
class TpmGuestIT {
  private static final String EXTEND =
      "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
  private static final long BOOT_SECONDS = 150;
  private static final Pattern GUEST_PCR = Pattern.compile("^pcr-sha256-(\\d+)=([0-9A-Fa-f]*)$");
  private static final Pattern HOST_PCR =
      Pattern.compile("^\\s*(\\d+)\\s*:\\s*0x([0-9A-Fa-f]+)\\s*$");

  @TempDir Path root;

  @BeforeAll
  static void toolsAndImages() throws Exception {
    Assumptions.assumeTrue(
        onPath("qemu-system-x86_64"), "qemu-system-x86_64 is not installed: no guest to boot");
    TpmClientTools.ensureInstalled();
    Path repo = Path.of("..").toAbsolutePath().normalize();
    Process p =
        new ProcessBuilder("scripts/guest-images")
            .directory(repo.toFile())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(600, TimeUnit.SECONDS) || p.exitValue() != 0) {
      fail("scripts/guest-images failed:\n" + out);
    }
  }

  private static boolean onPath(String program) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void theGuestKernelReadsThePcrsTheHostExtended() throws Exception {
    Path images = Path.of("..").toAbsolutePath().normalize().resolve("target/images");
    Path socket = root.resolve("tpm.sock");
    StringBuffer console = new StringBuffer();
    try (TpmUnderTest.Parasol server =
        TpmUnderTest.Parasol.start(
            "--ephemeral", "--mssim", "0", "--swtpm-unix", socket.toString())) {
      Process qemu =
          new ProcessBuilder(
                  "qemu-system-x86_64",
                  "-accel",
                  "tcg",
                  "-machine",
                  "q35",
                  "-m",
                  "512M",
                  "-nographic",
                  "-no-reboot",
                  "-kernel",
                  images.resolve("vmlinuz").toString(),
                  "-initrd",
                  images.resolve("initramfs.cpio.gz").toString(),
                  "-append",
                  "console=ttyS0 quiet parasol.test=tpm",
                  "-chardev",
                  "socket,id=chrtpm,path=" + socket + ".ctrl",
                  "-tpmdev",
                  "emulator,id=tpm0,chardev=chrtpm",
                  "-device",
                  "tpm-crb,tpmdev=tpm0")
              .redirectErrorStream(true)
              .start();
      qemu.getOutputStream().close();
      Thread.ofPlatform()
          .daemon()
          .name("qemu-console")
          .start(
              () -> {
                try (BufferedReader in =
                    new BufferedReader(
                        new InputStreamReader(qemu.getInputStream(), StandardCharsets.UTF_8))) {
                  for (String line = in.readLine(); line != null; line = in.readLine()) {
                    console.append(line.replace("\r", "")).append('\n');
                  }
                } catch (IOException e) {
                  console.append("(console unreadable: ").append(e.getMessage()).append(")\n");
                }
              });
      try {
        awaitConsole(console, qemu, "PARASOL-TPM-WAITING");
        TpmClientTools.Result extended =
            TpmClientTools.run(
                server.tcti(), root, List.of("tpm2_pcrextend", "16:sha256=" + EXTEND));
        assertTrue(extended.succeeded(), extended.toString());
        TpmClientTools.Result read =
            TpmClientTools.run(server.tcti(), root, List.of("tpm2_pcrread", "sha256"));
        assertTrue(read.succeeded(), read.toString());
        Map<Integer, String> host = pcrs(read.stdout(), HOST_PCR);
        awaitConsole(console, qemu, "PARASOL-TPM-DONE");
        if (!qemu.waitFor(60, TimeUnit.SECONDS)) {
          fail("the guest did not power off:\n" + console);
        }
        String out = console.toString();
        assertTrue(out.contains("tpm-version-major=2"), out);
        assertTrue(out.contains("tpm-driver=tpm_crb"), out);
        Map<Integer, String> guest = pcrs(out, GUEST_PCR);
        assertEquals(24, host.size(), read.stdout());
        assertEquals(host, guest, "guest PCRs (console:\n" + out + ")");
        byte[] pcr16 =
            MessageDigest.getInstance("SHA-256")
                .digest(HexFormat.of().parseHex("0".repeat(64) + EXTEND));
        assertEquals(HexFormat.of().withUpperCase().formatHex(pcr16), guest.get(16));
        assertTrue(out.contains("PARASOL-TEST-EXIT tpm 0"), out);
      } finally {
        if (qemu.isAlive()) {
          qemu.destroyForcibly();
          qemu.waitFor();
        }
      }
      // QEMU ends the emulator it used (CMD_SHUTDOWN) when it exits: the server stops cleanly.
      assertEquals(0, server.stop(), server.stderr());
    }
  }

  private static void awaitConsole(StringBuffer console, Process qemu, String marker)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(BOOT_SECONDS);
    while (console.indexOf(marker) < 0) {
      if (System.nanoTime() > deadline) {
        fail("no " + marker + " within " + BOOT_SECONDS + " s; console:\n" + console);
      }
      if (!qemu.isAlive() && console.indexOf(marker) < 0) {
        Thread.sleep(200); // let the reader drain the last lines
        if (console.indexOf(marker) < 0) {
          fail("QEMU exited (" + qemu.exitValue() + ") before " + marker + ":\n" + console);
        }
      }
      Thread.sleep(100);
    }
  }

  private static Map<Integer, String> pcrs(String text, Pattern pattern) {
    Map<Integer, String> values = new TreeMap<>();
    for (String line : text.lines().toList()) {
      Matcher m = pattern.matcher(line);
      if (m.matches()) {
        values.put(Integer.parseInt(m.group(1)), m.group(2).toUpperCase(java.util.Locale.ROOT));
      }
    }
    return values;
  }
}
