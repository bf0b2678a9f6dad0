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
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Parasol's virtio-blk served to QEMU over vhost-user: {@code parasol vhost-user blk} on an ext4
 * image the test makes with {@code mkfs.ext4 -d}, QEMU (TCG, no KVM needed) with {@code
 * vhost-user-blk-pci} and shared memfd RAM booting the stock Debian cloud kernel and the test
 * initramfs ({@code scripts/guest-images}, test {@code blk}). The guest loads the virtio modules,
 * finds the disk by PCI enumeration, mounts it, checks the file the host put there and writes one;
 * after QEMU exits the test reads that file out of the image with {@code debugfs} and compares the
 * guest's checksum, and {@code e2fsck -n} finds the file system clean.
 */
class VhostUserBlkGuestIT {
  private static final Pattern LINE = Pattern.compile("^(blk-[a-z0-9-]+)=(.*)$");

  @TempDir Path root;

  @BeforeAll
  static void toolsAndImages() throws Exception {
    for (String tool : List.of("qemu-system-x86_64", "mkfs.ext4", "debugfs", "e2fsck")) {
      Assumptions.assumeTrue(onPath(tool), tool + " is not installed: skipping the QEMU test");
    }
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
    for (String dir : (System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }

  private static String run(Path dir, String... command) throws Exception {
    Process p =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
      fail(String.join(" ", command) + " failed:\n" + out);
    }
    return out;
  }

  private static String sha256(byte[] data) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
  }

  @ParameterizedTest(name = "queues={0} {1}")
  @CsvSource({"1, ''", "2, --bounce"})
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void theStockKernelMountsAndUsesTheDisk(int queues, String extra) throws Exception {
    Path images = Path.of("..").toAbsolutePath().normalize().resolve("target/images");
    Path content = Files.createDirectories(root.resolve("content"));
    byte[] hostFile = new byte[1 << 20];
    new Random(queues).nextBytes(hostFile);
    Files.write(content.resolve("host.bin"), hostFile);
    Path image = root.resolve("disk.raw");
    try (var f =
        java.nio.channels.FileChannel.open(
            image,
            java.nio.file.StandardOpenOption.CREATE_NEW,
            java.nio.file.StandardOpenOption.WRITE)) {
      f.truncate(0).write(java.nio.ByteBuffer.allocate(1), (64 << 20) - 1);
    }
    run(root, "mkfs.ext4", "-q", "-F", "-d", content.toString(), image.toString());
    Path socket = root.resolve("blk.sock");

    List<String> command = TpmUnderTest.Parasol.cli();
    command.add(1, "--enable-native-access=ALL-UNNAMED");
    command.addAll(
        List.of(
            "vhost-user",
            "blk",
            "--socket",
            socket.toString(),
            "--image",
            image.toString(),
            "--queues",
            Integer.toString(queues)));
    if (!extra.isEmpty()) {
      command.add(extra);
    }
    Process parasol = new ProcessBuilder(command).redirectErrorStream(true).start();
    parasol.getOutputStream().close();
    CompletableFuture<String> parasolOut = TpmClientTools.drain(parasol.getInputStream());
    StringBuffer console = new StringBuffer();
    Process qemu = null;
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!Files.exists(socket)) {
        if (!parasol.isAlive() || System.nanoTime() > deadline) {
          fail("parasol vhost-user blk did not start:\n" + parasolOut.getNow(""));
        }
        Thread.sleep(100);
      }
      qemu =
          new ProcessBuilder(
                  "qemu-system-x86_64",
                  "-accel",
                  "tcg",
                  "-smp",
                  Integer.toString(queues),
                  "-machine",
                  "q35,memory-backend=mem",
                  "-object",
                  "memory-backend-memfd,id=mem,size=512M,share=on",
                  "-m",
                  "512M",
                  "-nographic",
                  "-no-reboot",
                  "-kernel",
                  images.resolve("vmlinuz").toString(),
                  "-initrd",
                  images.resolve("initramfs.cpio.gz").toString(),
                  "-append",
                  "console=ttyS0 quiet parasol.test=blk",
                  "-chardev",
                  "socket,id=vhost,path=" + socket,
                  "-device",
                  "vhost-user-blk-pci,chardev=vhost,num-queues=" + queues)
              .redirectErrorStream(true)
              .start();
      qemu.getOutputStream().close();
      Process q = qemu;
      Thread reader =
          Thread.ofPlatform()
              .daemon()
              .start(
                  () -> {
                    try (BufferedReader in =
                        new BufferedReader(
                            new InputStreamReader(q.getInputStream(), StandardCharsets.UTF_8))) {
                      for (String line = in.readLine(); line != null; line = in.readLine()) {
                        console.append(line.replace("\r", "")).append('\n');
                      }
                    } catch (IOException e) {
                      console.append("(console unreadable: ").append(e.getMessage()).append(")\n");
                    }
                  });
      if (!qemu.waitFor(180, TimeUnit.SECONDS)) {
        fail("the guest did not power off within 180 s:\n" + console);
      }
      reader.join(5000);
    } finally {
      if (qemu != null && qemu.isAlive()) {
        qemu.destroyForcibly().waitFor();
      }
      parasol.destroy(); // SIGTERM: the server stops and closes the image
      if (!parasol.waitFor(30, TimeUnit.SECONDS)) {
        parasol.destroyForcibly();
      }
    }
    String out = console.toString();
    List<String> facts = new ArrayList<>();
    String hostSha = null;
    String guestSha = null;
    for (String line : out.lines().toList()) {
      Matcher m = LINE.matcher(line);
      if (m.matches()) {
        facts.add(line);
        switch (m.group(1)) {
          case "blk-host-sha256" -> hostSha = m.group(2);
          case "blk-guest-sha256" -> guestSha = m.group(2);
          default -> {}
        }
      }
    }
    assertTrue(out.contains("PARASOL-TEST-EXIT blk 0"), "guest test passed:\n" + out);
    assertTrue(facts.contains("blk-mount=ok") && facts.contains("blk-umount=ok"), out);
    assertTrue(
        facts.contains("blk-queues=" + queues), "the guest sees " + queues + " queues:\n" + out);
    assertEquals(sha256(hostFile), hostSha, "the guest read the host's file");
    Path dumped = root.resolve("guest.out");
    run(root, "debugfs", "-R", "dump /guest.bin " + dumped, image.toString());
    assertEquals(guestSha, sha256(Files.readAllBytes(dumped)), "the host reads the guest's file");
    assertEquals(32 * 65536, Files.size(dumped));
    run(root, "e2fsck", "-f", "-n", image.toString());
    assertEquals(0, parasol.exitValue(), "parasol stopped cleanly:\n" + parasolOut.getNow(""));
  }
}
