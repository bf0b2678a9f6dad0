package io.parasol.tpm.eventlog;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parasol.tpm.crypto.HashAlgorithm;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Real firmware logs (resources/eventlogs, from go-tpm-tools) and logs this package writes. */
class TcgEventLogTest {
  private static final List<HashAlgorithm> BANKS =
      List.of(HashAlgorithm.SHA1, HashAlgorithm.SHA256, HashAlgorithm.SHA384);

  /** One published expectation: a log and the PCR values its machine's TPM held. */
  record Expected(String name, String file, Map<HashAlgorithm, Map<Integer, String>> banks) {
    @Override
    public String toString() {
      return file;
    }
  }

  static Stream<Expected> realLogs() {
    String json = new String(resource("expected_pcrs.json"), StandardCharsets.US_ASCII);
    // The file is regular: "Name": { "file": "x.bin", "banks": { "sha1": { "0": "hex", ... }, ... }
    // }
    Matcher entry =
        Pattern.compile("\"(\\w+)\":\\s*\\{\\s*\"file\":\\s*\"([^\"]+)\"").matcher(json);
    List<int[]> spans = new ArrayList<>();
    List<String[]> names = new ArrayList<>();
    while (entry.find()) {
      spans.add(new int[] {entry.start(), 0});
      names.add(new String[] {entry.group(1), entry.group(2)});
    }
    List<Expected> out = new ArrayList<>();
    for (int i = 0; i < spans.size(); i++) {
      int end = i + 1 < spans.size() ? spans.get(i + 1)[0] : json.length();
      String body = json.substring(spans.get(i)[0], end);
      Map<HashAlgorithm, Map<Integer, String>> banks = new LinkedHashMap<>();
      Matcher bank = Pattern.compile("\"(sha1|sha256|sha384)\":\\s*\\{([^}]*)}").matcher(body);
      while (bank.find()) {
        HashAlgorithm h = HashAlgorithm.valueOf(bank.group(1).toUpperCase());
        Map<Integer, String> pcrs = new LinkedHashMap<>();
        Matcher pcr = Pattern.compile("\"(\\d+)\":\\s*\"([0-9a-fA-F]+)\"").matcher(bank.group(2));
        while (pcr.find()) {
          pcrs.put(Integer.parseInt(pcr.group(1)), pcr.group(2).toLowerCase());
        }
        banks.put(h, pcrs);
      }
      out.add(new Expected(names.get(i)[0], names.get(i)[1], banks));
    }
    assertEquals(14, out.size(), "expected_pcrs.json entries");
    return out.stream();
  }

  private static byte[] resource(String name) {
    try (InputStream in = TcgEventLogTest.class.getResourceAsStream("/eventlogs/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource eventlogs/" + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @ParameterizedTest
  @MethodSource("realLogs")
  void aRealLogReplaysToItsPublishedPcrs(Expected expected) throws EventLogException {
    TcgEventLog log = TcgEventLog.parse(resource(expected.file()));
    PcrReplay replay = PcrReplay.of(log);
    int checked = 0;
    for (var bank : expected.banks().entrySet()) {
      for (var pcr : bank.getValue().entrySet()) {
        String got =
            HexFormat.of().formatHex(replay.value(bank.getKey(), pcr.getKey()).orElseThrow());
        assertEquals(
            pcr.getValue(), got, expected.name() + " " + bank.getKey() + " PCR " + pcr.getKey());
        checked++;
      }
    }
    assertTrue(checked >= 8, "compared " + checked + " PCRs");
  }

  @ParameterizedTest
  @MethodSource("realLogs")
  void aRealLogWritesBackToItsOwnBytesBeforeAnyPadding(Expected expected) throws EventLogException {
    byte[] bytes = resource(expected.file());
    byte[] written = TcgEventLog.parse(bytes).toBytes();
    assertArrayEquals(Arrays.copyOf(bytes, written.length), written);
    for (int i = written.length; i < bytes.length; i++) {
      assertTrue(bytes[i] == 0 || bytes[i] == (byte) 0xFF, "padding at " + i);
    }
  }

  @Test
  void legacyAndLocalityThreeLogsAreRecognised() throws EventLogException {
    assertTrue(TcgEventLog.parse(resource("debian-10.bin")).specId().isEmpty());
    TcgEventLog gdc = TcgEventLog.parse(resource("gdc-host.bin"));
    assertTrue(gdc.specId().isPresent());
    assertTrue(
        gdc.events().stream().anyMatch(e -> e.startupLocality().orElse(-1) == 3),
        "gdc-host starts from locality 3");
  }

  @Test
  void aWrittenLogReadsBackAndReplaysToTheExtendedValues() throws EventLogException {
    TcgEventLog log = TcgEventLog.cryptoAgile(BANKS);
    byte[] kernel = "kernel".getBytes(StandardCharsets.US_ASCII);
    log = log.with(TcgEvent.measure(4, TcgEventType.EV_IPL, "k".getBytes(), kernel, BANKS));
    log = log.with(TcgEvent.measure(4, TcgEventType.EV_SEPARATOR, new byte[4], new byte[4], BANKS));
    TcgEventLog back = TcgEventLog.parse(Arrays.copyOf(log.toBytes(), 4096));
    assertEquals(log, back);
    PcrReplay replay = PcrReplay.of(back);
    for (HashAlgorithm h : BANKS) {
      byte[] pcr = new byte[h.digestSize()];
      pcr = h.digest(pcr, h.digest(kernel));
      pcr = h.digest(pcr, h.digest(new byte[4]));
      assertArrayEquals(pcr, replay.value(h, 4).orElseThrow(), h.toString());
      assertArrayEquals(new byte[h.digestSize()], replay.value(h, 5).orElseThrow());
    }
    assertTrue(replay.isExtended(4));
    assertFalse(replay.isExtended(0));
  }

  @Test
  void aCcEventLogsSpecIdEventOnMrIndexOneIsRecognised() throws EventLogException {
    // TDX CCEL (as in go-tdx-guest's cos-113 log) writes the Spec ID event with index 1.
    List<HashAlgorithm> sha384 = List.of(HashAlgorithm.SHA384);
    TcgEventLog log =
        TcgEventLog.cryptoAgile(sha384)
            .with(TcgEvent.measure(2, TcgEventType.EV_IPL, new byte[0], new byte[3], sha384));
    byte[] bytes = log.toBytes();
    bytes[0] = 1;
    TcgEventLog back = TcgEventLog.parse(Arrays.copyOf(bytes, 1024));
    assertTrue(back.specId().isPresent());
    assertEquals(log.events(), back.events());
  }

  @Test
  void startupLocalitySetsPcrZerosStartValue() throws EventLogException {
    TcgEventLog log =
        TcgEventLog.cryptoAgile(List.of(HashAlgorithm.SHA256))
            .with(TcgEvent.startupLocality(3, List.of(HashAlgorithm.SHA256)));
    byte[] start = new byte[32];
    start[31] = 3;
    assertArrayEquals(start, PcrReplay.of(log).value(HashAlgorithm.SHA256, 0).orElseThrow());
    assertFalse(PcrReplay.of(log).isExtended(0));
  }

  @Test
  void anEventWithTheWrongBanksIsRefusedWhenWritten() {
    TcgEventLog log = TcgEventLog.cryptoAgile(BANKS);
    TcgEvent onlySha256 =
        TcgEvent.measure(
            4, TcgEventType.EV_IPL, new byte[0], new byte[1], List.of(HashAlgorithm.SHA256));
    assertThrows(IllegalArgumentException.class, () -> log.with(onlySha256));
  }

  @Test
  void truncatedOrInconsistentRecordsNameTheirOffset() {
    byte[] good = resource("ubuntu-2404-amd-sevsnp.bin");
    EventLogException cut =
        assertThrows(EventLogException.class, () -> TcgEventLog.parse(Arrays.copyOf(good, 200)));
    assertTrue(cut.offset() >= 0, cut.getMessage());
    assertTrue(cut.getMessage().contains("offset"), cut.getMessage());
    assertThrows(EventLogException.class, () -> TcgEventLog.parse(new byte[64]));
  }

  @Test
  void randomCorruptionGivesTheLibrarysErrorOrAConsistentLog() {
    byte[] good = resource("rhel8-uefi.bin");
    Random random = new Random(20261121);
    for (int i = 0; i < 2000; i++) {
      byte[] bad = good.clone();
      bad[random.nextInt(bad.length)] ^= (byte) (1 + random.nextInt(255));
      try {
        TcgEventLog log = TcgEventLog.parse(bad);
        PcrReplay.of(log);
        assertEquals(log, TcgEventLog.parse(log.toBytes()));
      } catch (EventLogException expected) {
        assertTrue(expected.getMessage().startsWith("event log"));
      }
    }
  }
}
