package io.parasol.tools.attest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import com.google.protobuf.ByteString;
import io.parasol.isolation.HeapPartition;
import io.parasol.isolation.Partition;
import io.parasol.isolation.attestation.proto.Evidence;
import io.parasol.isolation.attestation.proto.TpmQuote;
import io.parasol.machine.io.AccessSize;
import io.parasol.machine.io.ChipsetBus;
import io.parasol.machine.io.IoValue;
import io.parasol.paravisor.attest.GuestAttestation;
import io.parasol.paravisor.boot.BootImage;
import io.parasol.paravisor.boot.BootMeasurement;
import io.parasol.paravisor.tpm.MeasuredBoot;
import io.parasol.paravisor.tpm.TpmCrb;
import io.parasol.paravisor.vm.VirtualMachine;
import io.parasol.tpm.Locality;
import io.parasol.tpm.Tpm;
import io.parasol.tpm.TpmEngine;
import io.parasol.tpm.TpmHandle;
import io.parasol.tpm.client.TpmClient;
import io.parasol.tpm.crypto.HashAlgorithm;
import io.parasol.tpm.eventlog.TcgEventLog;
import io.parasol.tpm.eventlog.TcgEventType;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * End to end on this machine: a VM on Parasol (no hardware report here) whose guest asks its vTPM
 * for evidence through NV indices 0x01400002/0x01400001, over the CRB as a guest driver does; the
 * relying party adds a quote by the AK the claims name, the PCRs and the event log; the verifier
 * accepts it under a policy that allows unattested platforms and rejects it under one that does
 * not.
 */
class VmEvidenceTest {
  private static final byte[] NONCE =
      HexFormat.of().parseHex("0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0");

  /** Loads nothing; measures a stand-in kernel so PCR 9 is not empty. */
  private static final BootImage IMAGE =
      new BootImage() {
        @Override
        public void load(Partition partition) {}

        @Override
        public List<BootMeasurement> measurements() {
          return List.of(
              BootMeasurement.ofData(
                  9, TcgEventType.EV_IPL, "kernel\0".getBytes(StandardCharsets.US_ASCII)));
        }
      };

  /** The guest's side: TPM commands through the CRB's registers, as Linux's tpm_crb sends them. */
  private record CrbDriver(ChipsetBus bus) implements TpmEngine {
    @Override
    public byte[] execute(Locality locality, byte[] command) {
      long base = TpmCrb.DEFAULT_BASE;
      bus.writeMmio(base + 0x08, new IoValue(AccessSize.DWORD, 1)); // request locality 0
      bus.writeMmio(base + 0x40, new IoValue(AccessSize.DWORD, 1)); // cmdReady
      for (int i = 0; i < command.length; i++) {
        bus.writeMmio(base + 0x80 + i, new IoValue(AccessSize.BYTE, command[i] & 0xFF));
      }
      bus.writeMmio(base + 0x4C, new IoValue(AccessSize.DWORD, 1)); // START
      IoValue start = IoValue.forRead(AccessSize.DWORD);
      long deadline = System.nanoTime() + 30_000_000_000L;
      do {
        Thread.onSpinWait();
        bus.readMmio(base + 0x4C, start);
      } while (start.value() != 0 && System.nanoTime() < deadline);
      byte[] header = read(base + 0x80, 10);
      int size = java.nio.ByteBuffer.wrap(header).getInt(2);
      return read(base + 0x80, size);
    }

    private byte[] read(long at, int n) {
      byte[] out = new byte[n];
      for (int i = 0; i < n; i++) {
        IoValue b = IoValue.forRead(AccessSize.BYTE);
        bus.readMmio(at + i, b);
        out[i] = (byte) b.value();
      }
      return out;
    }
  }

  /** A VM (guest RAM on the heap, nothing runs) with a new vTPM of these PCR banks. */
  private static VirtualMachine vmWithTpm(HashAlgorithm... banks) throws Exception {
    return vmWith(Tpm.builder().pcrBanks(List.of(banks)).build());
  }

  /** A VM around {@code tpm}, as each boot of a guest that reboots is. */
  private static VirtualMachine vmWith(Tpm tpm) throws Exception {
    return VirtualMachine.builder()
        .memorySize(64L << 20)
        .partitions(HeapPartition::new)
        .boot(IMAGE)
        .tpm(tpm, tpm)
        .build();
  }

  @Test
  void aGuestsEvidenceFromItsVtpmVerifiesUnderAPolicyForUnattestedPlatformsOnly() throws Exception {
    try (VirtualMachine vm = vmWithTpm(HashAlgorithm.SHA256, HashAlgorithm.SHA384)) {
      // The guest: 64 bytes of its own into 0x01400002, its evidence out of 0x01400001, both with
      // the indices' empty authorisation (tpm2_nvwrite / tpm2_nvread).
      TpmClient guest = new TpmClient(new CrbDriver(vm.bus()), Locality.ZERO);
      byte[] userData = Arrays.copyOf(NONCE, 64);
      guest.nvWrite(
          GuestAttestation.USER_DATA_INDEX,
          new byte[0],
          GuestAttestation.USER_DATA_INDEX,
          userData);
      byte[] content =
          guest.nvRead(
              GuestAttestation.REPORT_INDEX,
              new byte[0],
              GuestAttestation.REPORT_INDEX,
              GuestAttestation.REPORT_INDEX_SIZE);
      Evidence fromGuest = GuestAttestation.parseReportIndex(content);
      assertTrue(fromGuest.hasNone(), fromGuest.toString());
      String claims = fromGuest.getRuntimeClaims().toStringUtf8();
      assertEquals(
          HexFormat.of().formatHex(userData),
          JsonParser.parseString(claims).getAsJsonObject().get("user-data").getAsString());

      // The relying party's part: a quote by the AK (re-derived from the template, as the guest
      // would), the quoted PCRs and the event log from the guest's memory.
      TpmClient.Primary ak =
          guest.createPrimary(TpmHandle.RH_ENDORSEMENT, new byte[0], GuestAttestation.AK_TEMPLATE);
      assertArrayEquals(fromGuest.getAkTpmtPublic().toByteArray(), ak.publicArea().marshal());
      int[] pcrs = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
      TpmClient.Quote quote = guest.quote(ak.handle(), NONCE, HashAlgorithm.SHA256, pcrs);
      TpmQuote.Builder q =
          TpmQuote.newBuilder()
              .setAttest(ByteString.copyFrom(quote.attest()))
              .setSignature(ByteString.copyFrom(quote.signature()))
              .setHashAlg(HashAlgorithm.SHA256.algId());
      for (int pcr : pcrs) {
        q.putPcrs(pcr, ByteString.copyFrom(guest.pcrRead(HashAlgorithm.SHA256, pcr)));
      }
      byte[] logArea = new byte[MeasuredBoot.LOG_SIZE];
      vm.partition().memory().read(MeasuredBoot.LOG_ADDRESS, logArea, 0, logArea.length);
      byte[] log = TcgEventLog.parse(logArea).toBytes();
      Evidence evidence =
          fromGuest.toBuilder().addTpmQuotes(q).setTcgEventLog(ByteString.copyFrom(log)).build();

      Instant at = Instant.ofEpochSecond(evidence.getProducedAtSeconds() + 5);
      Verdict ok =
          EvidenceVerifier.verify(evidence, Policy.parse("{\"platforms\":[\"none\"]}"), NONCE, at);
      assertTrue(ok.valid(), () -> EvidenceVerifierVectorsTest.describe(ok));
      Verdict needsHardware =
          EvidenceVerifier.verify(
              evidence, Policy.parse("{\"platforms\":[\"snp\",\"tdx\"]}"), NONCE, at);
      assertFalse(needsHardware.valid());
      assertEquals(
          "the evidence has no hardware report and the policy requires one of snp, tdx",
          needsHardware.reason());

      // Another guest's bytes give other claims, so a stale report cannot pass for a fresh one.
      byte[] other = userData.clone();
      other[0] ^= 1;
      guest.nvWrite(
          GuestAttestation.USER_DATA_INDEX, new byte[0], GuestAttestation.USER_DATA_INDEX, other);
      Evidence again =
          GuestAttestation.parseReportIndex(
              guest.nvRead(
                  GuestAttestation.REPORT_INDEX,
                  new byte[0],
                  GuestAttestation.REPORT_INDEX,
                  GuestAttestation.REPORT_INDEX_SIZE));
      assertFalse(again.getRuntimeClaims().equals(fromGuest.getRuntimeClaims()));
      assertEquals(fromGuest.getAkTpmtPublic(), again.getAkTpmtPublic());
    }
  }

  @Test
  void afterARebootTheIndicesAreKeptAndGiveFreshEvidence() throws Exception {
    Tpm tpm = Tpm.builder().pcrBanks(List.of(HashAlgorithm.SHA256)).build();
    try (VirtualMachine first = vmWith(tpm)) {
      TpmClient guest = new TpmClient(new CrbDriver(first.bus()), Locality.ZERO);
      guest.nvWrite(
          GuestAttestation.USER_DATA_INDEX,
          new byte[0],
          GuestAttestation.USER_DATA_INDEX,
          new byte[64]);
    }
    try (VirtualMachine second = vmWith(tpm)) {
      TpmClient guest = new TpmClient(new CrbDriver(second.bus()), Locality.ZERO);
      byte[] userData = new byte[64];
      userData[63] = 7;
      guest.nvWrite(
          GuestAttestation.USER_DATA_INDEX,
          new byte[0],
          GuestAttestation.USER_DATA_INDEX,
          userData);
      Evidence evidence =
          GuestAttestation.parseReportIndex(
              guest.nvRead(
                  GuestAttestation.REPORT_INDEX,
                  new byte[0],
                  GuestAttestation.REPORT_INDEX,
                  GuestAttestation.REPORT_INDEX_SIZE));
      assertTrue(
          evidence.getRuntimeClaims().toStringUtf8().contains(HexFormat.of().formatHex(userData)),
          evidence.getRuntimeClaims().toStringUtf8());
    }
  }

  @Test
  void theGuestCannotWriteTheReportIndexNorTakeThePlatformHierarchy() throws Exception {
    try (VirtualMachine vm = vmWithTpm(HashAlgorithm.SHA256)) {
      TpmClient guest = new TpmClient(new CrbDriver(vm.bus()), Locality.ZERO);
      var refused =
          org.junit.jupiter.api.Assertions.assertThrows(
              io.parasol.tpm.client.TpmCommandException.class,
              () ->
                  guest.nvWrite(
                      GuestAttestation.REPORT_INDEX,
                      new byte[0],
                      GuestAttestation.REPORT_INDEX,
                      new byte[16]));
      assertTrue(refused.rc() > 0, refused.getMessage());
      org.junit.jupiter.api.Assertions.assertThrows(
          io.parasol.tpm.client.TpmCommandException.class,
          () -> guest.hierarchyChangeAuth(TpmHandle.RH_PLATFORM, new byte[0], new byte[] {1}));
    }
  }
}
