package io.parasol.tests;

import static io.parasol.tests.LabTranscript.checkDiskAndRng;
import static io.parasol.tests.LabTranscript.field;
import static io.parasol.tests.LabTranscript.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.parasol.isolation.attestation.proto.Evidence;
import io.parasol.isolation.attestation.proto.TpmQuote;
import io.parasol.paravisor.attest.GuestAttestation;
import io.parasol.tools.attest.EvidenceVerifier;
import io.parasol.tools.attest.Policy;
import io.parasol.tools.attest.Verdict;
import io.parasol.tpm.crypto.HashAlgorithm;
import io.parasol.tpm.eventlog.PcrReplay;
import io.parasol.tpm.eventlog.TcgEventLog;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * The stock Debian cloud kernel booted by Parasol inside the nested lab ({@code tests/lab}): QEMU
 * TCG with SVM, kvm_amd in L1, Parasol in L1. One lab session runs several {@code parasol run}s and
 * each test reads its section of the transcript.
 *
 * <p>On a host with hardware virtualisation the same runs go straight to its KVM; on a {@code
 * kvm_pvm} host (or without {@code /dev/kvm}) they go through the lab, which takes about three
 * minutes and installs QEMU from Debian when it is missing. {@code -Dparasol.lab=false} skips them.
 */
@Tag("lab")
@Execution(ExecutionMode.CONCURRENT) // beside the other lab sessions: see tests/pom.xml
class LinuxLabIT {
  private static final long LAB_TIME_LIMIT_SECONDS = 900;
  private static String transcript;

  /**
   * One {@code parasol run} per section. Each is bounded: a run that outlives its limit, or whose
   * guest kernel panics (it would spin forever), is killed and its section says why ({@code
   * killed=timeout} or {@code killed=panic}), so a broken boot fails its test instead of hanging.
   */
  private static final String SCRIPT =
      LabSession.RUN_FUNCTION
          + """
      plain=initramfs.cpio.gz
      run one-cpu 300 $plain --no-reboot --cpus 1 --cmdline "console=ttyS0 quiet parasol.test=facts"
      # The default vTPM costs each boot a few seconds of hashing here; these runs test other things.
      # lapic=notscdeadline: without the TSC-deadline timer Linux drives the PIT through the IOAPIC.
      run two-cpus 300 $plain --no-reboot --tpm none --cpus 2 \
        --cmdline "console=ttyS0 quiet lapic=notscdeadline"
      run reboot 300 $plain --no-reboot --tpm none --cpus 1 --cmdline "console=ttyS0 quiet parasol.test=reboot"
      run typo 300 $plain --no-reboot --tpm none --cpus 1 --cmdline "console=ttyS0 quiet rdinit=/sbin/inti"
      # The vTPM: measured boot, tpm2-tools, then an NV index across a guest reboot (the guest
      # reboots once; Parasol boots it again on the same vTPM) and across a Parasol restart.
      rm -rf /tmp/lab-vtpm /tmp/lab-vtpm.key /tmp/lab-vtpm.key.anchor
      run tpm 400 initramfs-tpm.cpio.gz --tpm-state /tmp/lab-vtpm \
        --cmdline "console=ttyS0 quiet parasol.test=tpm-tools"
      run tpm-restart 300 initramfs-tpm.cpio.gz --no-reboot --tpm-state /tmp/lab-vtpm \
        --cmdline "console=ttyS0 quiet parasol.test=tpm-nv"
      # virtio-pci: an ext4 disk made here with host.txt in it, and virtio-rng. The guest writes
      # files; afterwards debugfs reads them out of the image and e2fsck checks it.
      # virtio-intx: the same with pci=nomsi, so the drivers fall back to INTx (the DSDT's _PRT).
      rm -rf /tmp/lab-disk; mkdir -p /tmp/lab-disk
      seq 1 5000 > /tmp/lab-disk/host.txt
      # virtio-bounce: the same with --bounce, the disk's I/O staged in a separate memfd, and two
      # vCPUs with a request queue each (--disk FILE,queues=2).
      # virtio_run NAME PARASOL-OPTION [KERNEL-PARAMETER...]: a fresh image, the run, then the
      # image's files; DISK_SUFFIX is appended to the --disk value.
      virtio_run() { name=$1 option=$2; shift 2; img=/tmp/lab-$name.img
        rm -f $img; mkfs.ext4 -q -F -d /tmp/lab-disk $img 64M
        run $name 300 initramfs-virtio.cpio.gz --no-reboot --tpm none --disk $img${DISK_SUFFIX:-} $option --rng \
          --cmdline "console=ttyS0 quiet $* parasol.test=virtio"
        for f in host.txt numbers.txt random.bin; do
          echo "$name-image-$f-sha256=$(debugfs -R "cat /$f" $img 2>/dev/null | sha256sum | cut -d' ' -f1)"
        done
        e2fsck -fn $img > /dev/null 2>&1; echo "$name-image-fsck=$?"
      }
      virtio_run virtio ""
      virtio_run virtio-intx "" pci=nomsi
      DISK_SUFFIX=,queues=2; virtio_run virtio-bounce "--bounce --cpus 2"; DISK_SUFFIX=
      """;

  @BeforeAll
  static void bootInTheLab() throws Exception {
    transcript = LabSession.run(SCRIPT, LAB_TIME_LIMIT_SECONDS);
  }

  private static String section(String name) {
    return LabTranscript.section(transcript, name);
  }

  private static String completedSection(String name) {
    return LabTranscript.completedSection(transcript, name);
  }

  @Test
  void stockKernelBootsOnOneVcpuAndPowersOffWithStatusZero() {
    String run = LabTranscript.bootedRun(transcript, "one-cpu", 0);
    assertEquals(1, field(run, "nproc=(\\d+)"));
  }

  @Test
  void theGuestClockComesFromTheRtcAndMatchesTheHost() {
    String run = completedSection("one-cpu");
    long start = field(run, "start=(\\d+)");
    long end = field(run, "end=(\\d+)");
    long guest = field(run, "date=(\\d+)");
    assertTrue(
        guest >= start - 2 && guest <= end + 2, "guest " + guest + " host " + start + ".." + end);
  }

  @Test
  void timerAndSerialInterruptsArriveThroughTheIoApic() {
    assertTrue(completedSection("one-cpu").matches("(?s).*IO-APIC\\s+4-edge\\s+ttyS0.*"));
    // The PIT's IRQ 0, in the run where Linux does not use the TSC-deadline timer instead.
    String run = completedSection("two-cpus");
    assertTrue(run.matches("(?s).*IO-APIC\\s+2-edge\\s+timer.*"), run);
  }

  @Test
  void theGuestTimesWithTheTscDeadlineTimerSoNeedsNoPit() {
    String run = completedSection("one-cpu");
    assertTrue(run.matches("(?s).*flags\\s*:[^\\n]* tsc_deadline_timer .*"), run);
    assertFalse(run.matches("(?s).*IO-APIC\\s+2-edge\\s+timer.*"), run);
    assertTrue(field(run, "LOC:\\s+(\\d+)") > 0, run);
  }

  @Test
  void twoVcpusComeUpThroughInitSipi() {
    String run = completedSection("two-cpus");
    assertEquals(2, field(run, "nproc=(\\d+)"), run);
    assertEquals(0, field(run, "exit=(\\d+)"), run);
  }

  @Test
  void rebootEndsTheRunWithTheResetStatus() {
    LabTranscript.bootedRun(transcript, "reboot", 10);
  }

  @Test
  void aCommandLineTypoEndsTheRunInsteadOfHangingIt() {
    // rdinit=/sbin/inti: the kernel finds no init, panics and would spin; the harness sees the
    // panic on the console and ends the run long before its time limit.
    String run = section("typo");
    assertTrue(run.contains("Kernel panic - not syncing"), run);
    assertTrue(run.contains("killed=panic"), run);
    assertTrue(field(run, "end=(\\d+)") - field(run, "start=(\\d+)") < 300, run);
  }

  @Test
  void theStockKernelBindsTpmCrbToParasolsVtpmAndExtendsItsPcrs() {
    // No kernel parameters: the kernel finds the CRB through the ACPI TPM2 table and MSFT0101.
    String run = completedSection("tpm");
    assertTrue(run.contains("tpm-version-major=2"), run);
    assertTrue(run.contains("tpm-driver=tpm_crb"), run);
    // IMA extends PCR 10 with its boot aggregate through the CRB: the command path works both
    // ways. PCR 17 is reset to all ones at locality 0 (PC Client).
    assertTrue(run.matches("(?s).*pcr-sha256-10=(?!0{64})[0-9A-F]{64}.*"), run);
    assertTrue(run.contains("pcr-sha256-17=" + "F".repeat(64)), run);
    assertFalse(run.contains("A TPM error"), "the TPM was started before the guest ran:\n" + run);
  }

  @Test
  void theGuestsEventLogReplaysToTheGuestsPcrs() throws Exception {
    String run = completedSection("tpm");
    Matcher hex =
        Pattern.compile("PARASOL-EVENTLOG-BEGIN\\s+(.*?)PARASOL-EVENTLOG-END", Pattern.DOTALL)
            .matcher(run);
    assertTrue(hex.find(), run);
    byte[] log = HexFormat.of().parseHex(hex.group(1).replaceAll("[^0-9a-fA-F]", ""));
    TcgEventLog parsed = TcgEventLog.parse(log);
    PcrReplay replay = PcrReplay.of(parsed);
    // A VM's vTPM allocates the SHA-256 and SHA-384 banks; the log carries both.
    assertEquals(List.of(HashAlgorithm.SHA256, HashAlgorithm.SHA384), parsed.banks());
    int compared = 0;
    for (HashAlgorithm bank : parsed.banks()) {
      String name = bank.name().toLowerCase();
      for (int pcr = 0; pcr < 24; pcr++) {
        if (pcr == 10) {
          continue; // IMA's, with its own log
        }
        String guest = text(run, "pcr-" + name + "-" + pcr + "=([0-9A-F]+)");
        String replayed =
            HexFormat.of().withUpperCase().formatHex(replay.value(bank, pcr).orElseThrow());
        assertEquals(replayed, guest, bank + " PCR " + pcr);
        compared++;
      }
    }
    assertEquals(46, compared);
    for (int pcr : new int[] {0, 1, 7, 8, 9}) {
      assertTrue(replay.isExtended(pcr), "PCR " + pcr + " is measured");
    }
  }

  @Test
  void tpm2ToolsInTheGuestWorkAgainstTheResourceManager() {
    String run = completedSection("tpm");
    // tpm2_pcrread prints "sha256:\n  9 : 0x…"; the guest strips the spaces.
    String pcr9 = text(run, "pcr-sha256-9=([0-9A-F]{64})");
    assertTrue(run.contains("pcrread=sha256:9:0x" + pcr9), run);
    assertTrue(run.matches("(?s).*getrandom=[0-9a-f]{32}\\s.*"), run);
    assertEquals(0, field(run, "eventlog-exit=(\\d+)"), run);
    assertEquals(0, field(run, "eventlog-exit=\\d+ events=\\d+ errors=(\\d+)"), run);
    assertTrue(field(run, "eventlog-exit=\\d+ events=(\\d+)") >= 14, run);
    // No warnings either: the kernel command line event verifies (tpm2_eventlog recomputes it).
    assertFalse(run.contains("eventlog-err:"), run);
  }

  @Test
  void anNvIndexWrittenBeforeARebootIsReadAfterItAndAfterARestart() {
    String run = completedSection("tpm");
    String written = text(run, "nv-written=([0-9a-f]+)");
    assertEquals(written, text(run, "nv-after-reboot=([0-9a-f]+)"), run);
    assertEquals(0, field(run, "exit=(\\d+)"), run);
    String restart = completedSection("tpm-restart");
    assertEquals(written, text(restart, "nv-after-restart=([0-9a-f]+)"), restart);
  }

  @Test
  void theGuestGetsEvidenceThroughTheNvIndicesThatTheVerifierAcceptsForAnUnattestedPlatform()
      throws Exception {
    String run = completedSection("tpm");
    Matcher hex =
        Pattern.compile("PARASOL-EVIDENCE-BEGIN\\s+(.*?)PARASOL-EVIDENCE-END", Pattern.DOTALL)
            .matcher(run);
    assertTrue(hex.find(), run);
    Evidence fromGuest =
        GuestAttestation.parseReportIndex(
            HexFormat.of().parseHex(hex.group(1).replaceAll("[^0-9a-fA-F]", "")));
    String userData = text(run, "evidence-user-data=([0-9a-f]{128})");
    assertTrue(
        fromGuest.getRuntimeClaims().toStringUtf8().contains("\"user-data\":\"" + userData + "\""),
        fromGuest.getRuntimeClaims().toStringUtf8());
    // The relying party's evidence: the guest's report index, its quote by the AK over its nonce,
    // the PCRs it read and the event log it read.
    TpmQuote.Builder quote =
        TpmQuote.newBuilder()
            .setAttest(ByteString.fromHex(text(run, "quote-attest=([0-9a-f]+)")))
            .setSignature(ByteString.fromHex(text(run, "quote-signature=([0-9a-f]+)")))
            .setHashAlg(HashAlgorithm.SHA256.algId());
    for (int pcr = 0; pcr <= 9; pcr++) {
      quote.putPcrs(
          pcr,
          ByteString.fromHex(text(run, "pcr-sha256-" + pcr + "=([0-9A-F]{64})").toLowerCase()));
    }
    Matcher log =
        Pattern.compile("PARASOL-EVENTLOG-BEGIN\\s+(.*?)PARASOL-EVENTLOG-END", Pattern.DOTALL)
            .matcher(run);
    assertTrue(log.find(), run);
    byte[] logBytes =
        TcgEventLog.parse(HexFormat.of().parseHex(log.group(1).replaceAll("[^0-9a-fA-F]", "")))
            .toBytes();
    Evidence evidence =
        fromGuest.toBuilder()
            .addTpmQuotes(quote)
            .setTcgEventLog(ByteString.copyFrom(logBytes))
            .build();
    byte[] nonce = HexFormat.of().parseHex(userData.substring(0, 64));
    Instant at = Instant.ofEpochSecond(evidence.getProducedAtSeconds() + 1);
    Verdict ok =
        EvidenceVerifier.verify(evidence, Policy.parse("{\"platforms\":[\"none\"]}"), nonce, at);
    assertTrue(ok.valid(), ok.reason());
    assertFalse(
        EvidenceVerifier.verify(
                evidence, Policy.parse("{\"platforms\":[\"snp\",\"tdx\"]}"), nonce, at)
            .valid());
  }

  @Test
  void theGuestFindsVirtioBlkAndRngByPciEnumerationAndBindsTheStockDrivers() {
    String run = completedSection("virtio");
    assertFalse(run.contains("virtio-insmod-failed"), run);
    assertTrue(
        run.matches(
            "(?s).*pci: 0000:00:01\\.0 0x1af4:0x1042 class=0x010000 revision=0x01"
                + " driver=virtio-pci.*"),
        run);
    assertTrue(
        run.matches(
            "(?s).*pci: 0000:00:02\\.0 0x1af4:0x1044 class=0xff0000 revision=0x01"
                + " driver=virtio-pci.*"),
        run);
    assertEquals("vda", text(run, "virtio-disk=(\\S+)"), run);
    assertEquals("virtio_rng.0", text(run, "rng-current=(\\S+)"), run);
    // Linux gives each queue its own MSI-X vector; the request queue's count grew.
    assertTrue(run.matches("(?s).*virtio-irq: .*PCI-MSI.*virtio\\d-req\\.0.*"), run);
    assertTrue(field(run, "virtio-irq-end: *\\d+: *(\\d+) .*virtio\\d-req\\.0") > 0, run);
    assertEquals(0, field(run, "exit=(\\d+)"), run);
  }

  @Test
  void theGuestUsesTheExt4ImageAndDevHwrngAndItsFilesAreThereAfterTheVmEnds() throws Exception {
    checkDiskAndRng(transcript, "virtio");
  }

  @Test
  void withoutMsiTheDriversUseInta() throws Exception {
    String run = completedSection("virtio-intx");
    // The _PRT routes INTA# of 00:01.0 and 00:02.0 to GSIs 17 and 18, level-triggered.
    assertTrue(run.matches("(?s).*virtio-irq: 17: .*IO-APIC\\s+17-fasteoi\\s+virtio0.*"), run);
    assertTrue(run.matches("(?s).*virtio-irq: 18: .*IO-APIC\\s+18-fasteoi\\s+virtio1.*"), run);
    assertTrue(field(run, "virtio-irq-end: 17: *(\\d+) ") > 10, run);
    checkDiskAndRng(transcript, "virtio-intx");
  }

  @Test
  void withBounceBuffersTheGuestsFilesAreThereToo() throws Exception {
    checkDiskAndRng(transcript, "virtio-bounce");
  }

  @Test
  void aDiskWithTwoQueuesGivesTwoVcpusARequestQueueEach() {
    String run = LabTranscript.completedSection(transcript, "virtio-bounce");
    assertEquals("2", text(run, "nproc=(\\d+)"), run);
    // virtio_blk asks for one queue per vCPU, up to what the device offers, each with its vector.
    assertTrue(run.matches("(?s).*virtio-irq-end: .*virtio\\d-req\\.0.*"), run);
    assertTrue(run.matches("(?s).*virtio-irq-end: .*virtio\\d-req\\.1.*"), run);
  }
}
