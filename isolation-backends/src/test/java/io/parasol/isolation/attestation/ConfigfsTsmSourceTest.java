package io.parasol.isolation.attestation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigfsTsmSourceTest {
  @TempDir Path root;

  /** A source whose next entry name is the one {@link #entry} laid out. */
  private HardwareReportSource source(int privLevel) throws Exception {
    // Entries are named prefix-pid-sequence; probe the sequence by making one request first.
    return new ConfigfsTsmSource(root, "test", privLevel);
  }

  @Test
  void snpReportWithCertificatesAndPrivLevel() throws Exception {
    byte[] report = AttestationVectors.read("snp/oak-cb/report.bin");
    byte[] certs = {1, 2, 3};
    HardwareReportSource source = source(2);
    Path entry = nextEntry(source, "sev_guest", report, certs);
    byte[] data = new byte[64];
    Arrays.fill(data, (byte) 0x5a);
    HardwareReport r = source.request(data);
    HardwareReport.Snp snp = assertInstanceOf(HardwareReport.Snp.class, r);
    assertArrayEquals(report, snp.report());
    assertArrayEquals(certs, snp.certificateTable());
    assertArrayEquals(data, Files.readAllBytes(entry.resolve("inblob")));
    assertEquals("2", Files.readString(entry.resolve("privlevel")));
  }

  @Test
  void tdxQuoteWithoutAuxblob() throws Exception {
    byte[] quote = AttestationVectors.read("tdx/trustee/tdx_quote_4.dat");
    HardwareReportSource source = source(-1);
    Path entry = nextEntry(source, "tdx_guest", quote, null);
    HardwareReport r = source.request(new byte[64]);
    assertArrayEquals(quote, assertInstanceOf(HardwareReport.TdxQuote.class, r).quote());
    assertTrue(Files.notExists(entry.resolve("privlevel")));
  }

  @Test
  void unknownProviderAndMissingEntryAreErrorsNotCrashes() throws Exception {
    HardwareReportSource source = source(-1);
    nextEntry(source, "arm_cca_guest", new byte[8], null);
    var e = assertThrows(HardwareReportException.class, () -> source.request(new byte[64]));
    assertEquals("configfs-tsm provider 'arm_cca_guest' is not SNP or TDX", e.getMessage());
    // Next request: nothing laid out, so outblob/generation are missing.
    var missing = assertThrows(HardwareReportException.class, () -> source.request(new byte[64]));
    assertTrue(
        missing.getMessage().startsWith("configfs-tsm request under "), missing.getMessage());
    assertThrows(IllegalArgumentException.class, () -> source.request(new byte[63]));
  }

  @Test
  void probeFallsBackToAnExplicitNoReport() {
    HardwareReportSource s =
        HardwareReportSources.probe(
            root.resolve("absent-tsm"), root.resolve("sev-guest"), root.resolve("tdx_guest"));
    HardwareReport r = assertInstanceOf(NoHardwareSource.class, s).request(new byte[64]);
    HardwareReport.None none = assertInstanceOf(HardwareReport.None.class, r);
    assertEquals("none", none.provider());
    assertTrue(none.reason().contains("not a confidential VM"), none.reason());
    assertInstanceOf(ConfigfsTsmSource.class, HardwareReportSources.probe(root, root, root));
  }

  /**
   * Lays out the entry the source will make next: it names entries prefix-pid-N, so find N by
   * listing what earlier requests left behind.
   */
  private Path nextEntry(HardwareReportSource source, String provider, byte[] out, byte[] aux)
      throws Exception {
    long next = ConfigfsTsmSource.peekNextSequence();
    Path entry = root.resolve("test-" + ProcessHandle.current().pid() + "-" + next);
    Files.createDirectories(entry);
    Files.writeString(entry.resolve("provider"), provider + "\n");
    Files.writeString(entry.resolve("generation"), "1\n");
    Files.write(entry.resolve("outblob"), out);
    if (aux != null) {
      Files.write(entry.resolve("auxblob"), aux);
    }
    return entry;
  }
}
