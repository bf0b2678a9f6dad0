package io.parasol.paravisor.tpm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parasol.paravisor.acpi.GuestAcpiTables;
import io.parasol.paravisor.boot.BootException;
import io.parasol.paravisor.boot.LinuxBootImage;
import io.parasol.paravisor.boot.TestKernels;
import io.parasol.paravisor.vm.VirtualMachine;
import io.parasol.tpm.Locality;
import io.parasol.tpm.Tpm;
import io.parasol.tpm.TpmEngine;
import io.parasol.tpm.TpmPlatform;
import io.parasol.tpm.client.TpmClient;
import io.parasol.tpm.crypto.HashAlgorithm;
import io.parasol.tpm.eventlog.PcrReplay;
import io.parasol.tpm.eventlog.TcgEvent;
import io.parasol.tpm.eventlog.TcgEventLog;
import io.parasol.tpm.eventlog.TcgEventType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Measured boot through {@link VirtualMachine.Builder#tpm}: the log the guest finds through the
 * TPM2 table replays to exactly the PCRs the TPM holds, and each input shows where it should.
 */
class MeasuredBootTest {
  private static final String CMDLINE = "console=ttyS0 quiet";
  private static final byte[] INITRD = initrd();

  private static byte[] initrd() {
    byte[] b = new byte[100_000];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) (i * 31 + 7);
    }
    return b;
  }

  /** What one boot left: the log from guest RAM (found as the guest finds it) and every PCR. */
  record Boot(byte[] logArea, TcgEventLog log, byte[][][] pcrs) {}

  private static Boot boot(Tpm tpm, byte[] initrd, String cmdline) throws Exception {
    return boot(tpm, tpm, initrd, cmdline);
  }

  private static Boot boot(TpmEngine tpm, TpmPlatform platform, byte[] initrd, String cmdline)
      throws Exception {
    LinuxBootImage image =
        LinuxBootImage.fromBytes("test-bzImage", TestKernels.minimalBzImage(), initrd, cmdline);
    try (VirtualMachine vm =
        VirtualMachine.builder()
            .memorySize(64L << 20)
            .partitions(TestKernels::partition)
            .boot(image)
            .tpm(tpm, platform)
            .build()) {
      byte[] tpm2 = tpm2Table(vm);
      ByteBuffer t = ByteBuffer.wrap(tpm2).order(ByteOrder.LITTLE_ENDIAN);
      int laml = t.getInt(64);
      long lasa = t.getLong(68);
      byte[] area = new byte[laml];
      vm.partition().memory().read(lasa, area, 0, laml);
      TcgEventLog log = TcgEventLog.parse(area);
      TpmClient client = new TpmClient(tpm, Locality.ZERO);
      List<HashAlgorithm> banks = client.allocatedBanks();
      byte[][][] pcrs = new byte[banks.size()][24][];
      for (int b = 0; b < banks.size(); b++) {
        for (int pcr = 0; pcr < 24; pcr++) {
          pcrs[b][pcr] = client.pcrRead(banks.get(b), pcr);
        }
      }
      return new Boot(area, log, pcrs);
    }
  }

  /** The TPM2 table, found through the RSDP and XSDT in guest RAM. */
  private static byte[] tpm2Table(VirtualMachine vm) throws Exception {
    byte[] tpm2 = GuestAcpiTables.read(vm.partition().memory()).get("TPM2");
    if (tpm2 == null) {
      throw new AssertionError("no TPM2 table");
    }
    return tpm2;
  }

  @Test
  void theLogInGuestMemoryReplaysToExactlyThePcrs() throws Exception {
    Tpm tpm = Tpm.create();
    Boot boot = boot(tpm, INITRD, CMDLINE);
    PcrReplay replay = PcrReplay.of(boot.log());
    List<HashAlgorithm> banks = boot.log().banks();
    assertEquals(List.of(HashAlgorithm.SHA1, HashAlgorithm.SHA256, HashAlgorithm.SHA384), banks);
    for (int b = 0; b < banks.size(); b++) {
      for (int pcr = 0; pcr < 24; pcr++) {
        assertArrayEquals(
            boot.pcrs()[b][pcr],
            replay.value(banks.get(b), pcr).orElseThrow(),
            banks.get(b) + " PCR " + pcr);
      }
    }
    for (int pcr : new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}) {
      assertTrue(replay.isExtended(pcr), "PCR " + pcr + " is measured");
    }
    assertFalse(replay.isExtended(10), "PCR 10 is the OS's (IMA)");
  }

  @Test
  void theLogRecordsTheKernelCommandLineAndInitrdWhereTheyBelong() throws Exception {
    Boot boot = boot(Tpm.create(), INITRD, CMDLINE);
    List<TcgEvent> events = boot.log().events();
    TcgEvent kernel = find(events, 9, TcgEventType.EV_IPL);
    assertEquals("kernel\0", new String(kernel.data(), StandardCharsets.US_ASCII));
    assertArrayEquals(
        HashAlgorithm.SHA256.digest(TestKernels.minimalBzImage()),
        kernel.digest(HashAlgorithm.SHA256.algId()).orElseThrow());
    TcgEvent cmdline = find(events, 8, TcgEventType.EV_IPL);
    assertEquals(
        "kernel_cmdline: " + CMDLINE + "\0", new String(cmdline.data(), StandardCharsets.UTF_8));
    assertArrayEquals(
        HashAlgorithm.SHA384.digest(CMDLINE.getBytes(StandardCharsets.UTF_8)),
        cmdline.digest(HashAlgorithm.SHA384.algId()).orElseThrow());
    TcgEvent initrd =
        events.stream().filter(e -> e.pcrIndex() == 9 && e != kernel).findFirst().orElseThrow();
    assertEquals("initrd\0", new String(initrd.data(), StandardCharsets.US_ASCII));
    assertArrayEquals(
        HashAlgorithm.SHA256.digest(INITRD),
        initrd.digest(HashAlgorithm.SHA256.algId()).orElseThrow());
    for (int pcr = 0; pcr <= 7; pcr++) {
      find(events, pcr, TcgEventType.EV_SEPARATOR);
    }
    String crtm =
        new String(
            find(events, 0, TcgEventType.EV_S_CRTM_VERSION).data(), StandardCharsets.UTF_16LE);
    assertTrue(crtm.startsWith("Parasol "), crtm);
    // The area past the log is zero, so a reader that walks to LAML stops at the last event.
    byte[] written = boot.log().toBytes();
    for (int i = written.length; i < boot.logArea().length; i++) {
      assertEquals(0, boot.logArea()[i], "log area byte " + i);
    }
  }

  @Test
  void oneByteOfTheInitrdChangesPcr9AndItsEventAndNothingElse() throws Exception {
    Boot before = boot(Tpm.create(), INITRD, CMDLINE);
    byte[] changed = INITRD.clone();
    changed[changed.length / 2] ^= 1;
    Boot after = boot(Tpm.create(), changed, CMDLINE);
    for (int b = 0; b < before.pcrs().length; b++) {
      for (int pcr = 0; pcr < 24; pcr++) {
        if (pcr == 9) {
          assertNotEquals(
              Arrays.toString(before.pcrs()[b][pcr]), Arrays.toString(after.pcrs()[b][pcr]));
        } else {
          assertArrayEquals(before.pcrs()[b][pcr], after.pcrs()[b][pcr], "PCR " + pcr);
        }
      }
    }
    List<TcgEvent> a = before.log().events();
    List<TcgEvent> b = after.log().events();
    assertEquals(a.size(), b.size());
    List<Integer> differ = new ArrayList<>();
    for (int i = 0; i < a.size(); i++) {
      if (!a.get(i).equals(b.get(i))) {
        differ.add(i);
        assertEquals(9, a.get(i).pcrIndex());
        assertEquals("initrd\0", new String(a.get(i).data(), StandardCharsets.US_ASCII));
        assertArrayEquals(a.get(i).data(), b.get(i).data(), "only the digests differ");
      }
    }
    assertEquals(1, differ.size(), "events that differ: " + differ);
  }

  @Test
  void aRebootMeasuresAfreshIntoTheSameTpm() throws Exception {
    Tpm tpm = Tpm.create();
    Boot first = boot(tpm, INITRD, CMDLINE);
    Boot second = boot(tpm, INITRD, CMDLINE);
    assertEquals(first.log(), second.log());
    for (int b = 0; b < first.pcrs().length; b++) {
      for (int pcr = 0; pcr < 24; pcr++) {
        assertArrayEquals(first.pcrs()[b][pcr], second.pcrs()[b][pcr], "PCR " + pcr);
      }
    }
  }

  @Test
  void aTpmInFailureModeStopsTheBootWithTheReason() {
    Tpm tpm = Tpm.create();
    // A TPM in failure mode answers TPM_RC_FAILURE (0x101) to everything but its test result.
    TpmEngine failed = (locality, command) -> new byte[] {(byte) 0x80, 1, 0, 0, 0, 10, 0, 0, 1, 1};
    BootException e = assertThrows(BootException.class, () -> boot(failed, tpm, INITRD, CMDLINE));
    assertTrue(
        e.getMessage().startsWith("measured boot failed: TPM2_Startup failed"), e.getMessage());
  }

  private static TcgEvent find(List<TcgEvent> events, int pcr, int type) {
    return events.stream()
        .filter(e -> e.pcrIndex() == pcr && e.eventType() == type)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + TcgEventType.name(type) + " in PCR " + pcr));
  }
}
