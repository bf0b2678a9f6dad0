package io.parasol.isolation.attestation;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Linux's configfs-tsm report interface (Documentation/ABI/testing/configfs-tsm-report): make an
 * entry under {@code /sys/kernel/config/tsm/report}, write 64 bytes to {@code inblob} (and the VMPL
 * to {@code privlevel} for SNP), read {@code outblob} (an SNP report or a TDX quote) and {@code
 * auxblob} (SNP: the certificate table), and check that {@code generation} did not change between
 * the write and the reads, which would mean another writer raced this one. The entry is removed
 * afterwards.
 */
public final class ConfigfsTsmSource implements HardwareReportSource {
  /** Where the kernel mounts the interface. */
  public static final Path DEFAULT_ROOT = Path.of("/sys/kernel/config/tsm/report");

  private static final AtomicLong SEQUENCE = new AtomicLong();

  private final Path root;
  private final String entryPrefix;
  private final int privLevel;

  /**
   * @param root the report directory (normally {@link #DEFAULT_ROOT})
   * @param entryPrefix the name prefix of the entries this source makes
   * @param privLevel the SNP VMPL to request, or -1 to leave the kernel's default
   */
  public ConfigfsTsmSource(Path root, String entryPrefix, int privLevel) {
    this.root = root;
    this.entryPrefix = entryPrefix;
    this.privLevel = privLevel;
  }

  /** The sequence number the next request will use in its entry name (for tests). */
  static long peekNextSequence() {
    return SEQUENCE.get() + 1;
  }

  /** Whether the interface is present under {@code root}. */
  public static boolean present(Path root) {
    return Files.isDirectory(root);
  }

  @Override
  public HardwareReport request(byte[] reportData) throws HardwareReportException {
    HardwareReportSource.checkReportData(reportData);
    Path entry =
        root.resolve(
            entryPrefix + "-" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet());
    try {
      // On configfs, mkdir makes the entry's attribute files; an existing entry is reused.
      Files.createDirectories(entry);
      try {
        if (privLevel >= 0) {
          Files.writeString(entry.resolve("privlevel"), Integer.toString(privLevel));
        }
        Files.write(entry.resolve("inblob"), reportData);
        String generation = readText(entry, "generation");
        String provider = readText(entry, "provider");
        byte[] out = Files.readAllBytes(entry.resolve("outblob"));
        byte[] aux = optional(entry.resolve("auxblob"));
        if (!generation.equals(readText(entry, "generation"))) {
          throw new HardwareReportException(
              "configfs-tsm report " + entry + " was changed by another writer while read");
        }
        if (out.length == 0) {
          throw new HardwareReportException("configfs-tsm returned an empty report");
        }
        return switch (provider) {
          case "sev_guest" -> new HardwareReport.Snp(provider, out, aux);
          case "tdx_guest" -> new HardwareReport.TdxQuote(provider, out);
          default ->
              throw new HardwareReportException(
                  "configfs-tsm provider '" + provider + "' is not SNP or TDX");
        };
      } finally {
        remove(entry);
      }
    } catch (IOException e) {
      throw new HardwareReportException(
          "configfs-tsm request under " + root + " failed: " + e.getMessage(), e);
    }
  }

  private static String readText(Path entry, String name) throws IOException {
    return new String(Files.readAllBytes(entry.resolve(name)), StandardCharsets.US_ASCII).strip();
  }

  private static byte[] optional(Path file) throws IOException {
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return new byte[0];
    }
  }

  private static void remove(Path entry) {
    try {
      // configfs removes the attribute files with the directory; elsewhere this may refuse.
      Files.deleteIfExists(entry);
    } catch (DirectoryNotEmptyException e) {
      // Not configfs (a test layout): leave it for its owner.
    } catch (IOException e) {
      // The report is already read; a stale entry costs nothing but a name.
    }
  }
}
