package io.parasol.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code parasol tpm serve}'s sealed state through real restarts: what a TPM keeps across power
 * cycles survives a stop and start of the server (and Shutdown(STATE) keeps PCRs for a Resume); a
 * replayed older state file, another key or a damaged file stop it from starting, with one sentence
 * and the documented exit code; a SIGKILL loses nothing that was acknowledged. NV indices (ordinary
 * and counter) and persistent keys survive stops, restarts and a SIGKILL.
 */
class TpmPersistenceIT {
  private static final String EXTEND =
      "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

  @TempDir Path root;

  @BeforeAll
  static void tools() throws Exception {
    TpmClientTools.ensureInstalled();
  }

  private TpmUnderTest.Parasol serve(Path state, String... more) throws Exception {
    List<String> args =
        new java.util.ArrayList<>(List.of("--state", state.toString(), "--mssim", "0"));
    args.addAll(List.of(more));
    return TpmUnderTest.Parasol.start(args.toArray(String[]::new));
  }

  private TpmClientTools.Result tool(TpmUnderTest tpm, String command) throws Exception {
    return TpmClientTools.run(tpm.tcti(), root, List.of(command.split(" ")));
  }

  private TpmClientTools.Result ok(TpmUnderTest tpm, String command) throws Exception {
    TpmClientTools.Result r = tool(tpm, command);
    assertTrue(r.succeeded(), command + " on " + tpm.name() + ": " + r);
    return r;
  }

  private static long clock(TpmClientTools.Result readclock) {
    Matcher m = Pattern.compile("(?m)^\\s+clock: (\\d+)").matcher(readclock.stdout());
    assertTrue(m.find(), readclock.stdout());
    return Long.parseLong(m.group(1));
  }

  private static void stop(TpmUnderTest.Parasol server) throws Exception {
    assertEquals(0, server.stop(), "exit code on SIGTERM; stderr: " + server.stderr());
    assertTrue(
        server.laterOutput().contains("stopped; state saved at generation"), server.laterOutput());
  }

  @Test
  void whatATpmKeepsSurvivesRestartsAndShutdownStateKeepsPcrs() throws Exception {
    Path state = root.resolve("vtpm");
    byte[] pcr15 =
        MessageDigest.getInstance("SHA-256")
            .digest(HexFormat.of().parseHex("0".repeat(64) + EXTEND));
    String pcr15Hex = HexFormat.of().withUpperCase().formatHex(pcr15);
    long clockBefore;
    TpmUnderTest.Parasol first = serve(state);
    assertTrue(
        first.startOutput().getFirst().contains("(new TPM manufactured)"),
        first.startOutput().toString());
    ok(first, "tpm2_startup -c");
    ok(first, "tpm2_changeauth -c owner ownerpw");
    ok(first, "tpm2_dictionarylockout -s -n 4 -t 5 -l 6");
    ok(first, "tpm2_pcrextend 15:sha256=" + EXTEND);
    clockBefore = clock(ok(first, "tpm2_readclock"));
    ok(first, "tpm2_shutdown");
    stop(first);

    TpmUnderTest.Parasol second = serve(state);
    assertFalse(
        second.startOutput().getFirst().contains("manufactured"), second.startOutput().toString());
    ok(second, "tpm2_startup"); // Startup(STATE) after Shutdown(STATE): a TPM Resume
    assertTrue(
        ok(second, "tpm2_pcrread sha256:15").stdout().contains("15: 0x" + pcr15Hex),
        "PCR 15 resumed");
    String variable = ok(second, "tpm2_getcap properties-variable").stdout();
    assertTrue(variable.contains("TPM2_PT_MAX_AUTH_FAIL: 0x4"), variable);
    assertTrue(variable.contains("TPM2_PT_LOCKOUT_INTERVAL: 0x5"), variable);
    assertTrue(Pattern.compile("ownerAuthSet:\\s+1").matcher(variable).find(), variable);
    assertTrue(clock(ok(second, "tpm2_readclock")) >= clockBefore, "the clock does not go back");
    assertFalse(tool(second, "tpm2_changeauth -c owner -p wrongpw x").succeeded());
    ok(second, "tpm2_changeauth -c owner -p ownerpw newpw");
    stop(second);

    TpmUnderTest.Parasol third = serve(state);
    ok(third, "tpm2_startup -c"); // no Shutdown(STATE) before: a TPM Reset, PCRs start over
    assertTrue(ok(third, "tpm2_pcrread sha256:15").stdout().contains("15: 0x" + "0".repeat(64)));
    ok(third, "tpm2_changeauth -c owner -p newpw");
    stop(third);
  }

  @Test
  void aReplayedStateAnotherKeyAndADamagedFileAreRefusedSayingWhy() throws Exception {
    Path state = root.resolve("vtpm");
    Path stateFile = state.resolve("tpm-state.sealed");
    TpmUnderTest.Parasol first = serve(state);
    ok(first, "tpm2_startup -c");
    ok(first, "tpm2_changeauth -c owner ownerpw");
    stop(first);
    byte[] old = Files.readAllBytes(stateFile);
    TpmUnderTest.Parasol second = serve(state);
    ok(second, "tpm2_startup -c");
    ok(second, "tpm2_changeauth -c owner -p ownerpw");
    stop(second);
    byte[] latest = Files.readAllBytes(stateFile);

    Files.write(stateFile, old);
    TpmClientTools.Result replayed =
        TpmUnderTest.Parasol.runToExit("tpm", "serve", "--state", state.toString(), "--mssim", "0");
    assertEquals(3, replayed.exitCode(), replayed.toString());
    assertOneSentence(replayed, "refusing a rolled-back vTPM state");

    Files.write(stateFile, latest);
    TpmClientTools.Result otherKey =
        TpmUnderTest.Parasol.runToExit(
            "tpm",
            "serve",
            "--state",
            state.toString(),
            "--key-file",
            root.resolve("other.key").toString(),
            "--mssim",
            "0");
    assertEquals(5, otherKey.exitCode(), otherKey.toString());
    assertOneSentence(otherKey, "key");

    Files.write(stateFile, java.util.Arrays.copyOf(latest, latest.length / 2));
    TpmClientTools.Result truncated =
        TpmUnderTest.Parasol.runToExit("tpm", "serve", "--state", state.toString(), "--mssim", "0");
    assertEquals(4, truncated.exitCode(), truncated.toString());
    assertOneSentence(truncated, "corrupt");

    Files.write(stateFile, latest);
    TpmUnderTest.Parasol fine = serve(state);
    ok(fine, "tpm2_startup -c");
    stop(fine);
  }

  @Test
  void nvIndicesCountersAndPersistentKeysSurviveRestartsAndAKill() throws Exception {
    Path state = root.resolve("vtpm");
    Files.write(
        root.resolve("nv-data.bin"),
        "parasol keeps NV data, 31 bytes".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    TpmUnderTest.Parasol first = serve(state);
    ok(first, "tpm2_startup -c");
    ok(first, "tpm2_nvdefine 0x1500020 -C o -s 31 -a ownerread|ownerwrite");
    ok(first, "tpm2_nvwrite 0x1500020 -C o -i nv-data.bin");
    ok(first, "tpm2_nvdefine 0x1500021 -C o -s 8 -a nt=counter|ownerread|ownerwrite");
    ok(first, "tpm2_nvincrement 0x1500021 -C o");
    ok(first, "tpm2_nvincrement 0x1500021 -C o");
    long counter = counter(first);
    ok(first, "tpm2_createprimary -C o -G rsa2048 -c prim.ctx");
    ok(first, "tpm2_evictcontrol -C o -c prim.ctx 0x81000005");
    ok(first, "tpm2_flushcontext -t");
    ok(first, "tpm2_readpublic -c 0x81000005 -n persistent-before.name");
    // A child of the persistent key, created before the restart and loaded after it, shows that
    // the key's private part (its seed) survived, not only its public area.
    ok(first, "tpm2_create -C 0x81000005 -i nv-data.bin -u sealed.pub -r sealed.priv");
    ok(first, "tpm2_flushcontext -t");
    stop(first);

    TpmUnderTest.Parasol second = serve(state);
    ok(second, "tpm2_startup -c"); // a TPM Reset: NV and persistent objects are kept
    ok(second, "tpm2_nvread 0x1500020 -C o -s 31 -o nv-read.bin");
    assertEquals(
        HexFormat.of().formatHex(Files.readAllBytes(root.resolve("nv-data.bin"))),
        HexFormat.of().formatHex(Files.readAllBytes(root.resolve("nv-read.bin"))));
    assertEquals(counter, counter(second), "the counter after a restart");
    String handles = ok(second, "tpm2_getcap handles-persistent").stdout();
    assertTrue(handles.contains("0x81000005"), handles);
    ok(second, "tpm2_readpublic -c 0x81000005 -n persistent-after.name");
    assertEquals(
        HexFormat.of().formatHex(Files.readAllBytes(root.resolve("persistent-before.name"))),
        HexFormat.of().formatHex(Files.readAllBytes(root.resolve("persistent-after.name"))));
    ok(second, "tpm2_load -C 0x81000005 -u sealed.pub -r sealed.priv -c sealed.ctx");
    ok(second, "tpm2_unseal -c sealed.ctx -o unsealed.bin");
    assertEquals(
        HexFormat.of().formatHex(Files.readAllBytes(root.resolve("nv-data.bin"))),
        HexFormat.of().formatHex(Files.readAllBytes(root.resolve("unsealed.bin"))));
    ok(second, "tpm2_flushcontext -t");
    ok(second, "tpm2_nvincrement 0x1500021 -C o");
    second.kill(); // SIGKILL: the increment was acknowledged, so it must be there

    TpmUnderTest.Parasol third = serve(state);
    ok(third, "tpm2_startup -c");
    assertEquals(counter + 1, counter(third), "the counter after a SIGKILL");
    ok(third, "tpm2_evictcontrol -C o -c 0x81000005");
    ok(third, "tpm2_nvundefine 0x1500020 -C o");
    ok(third, "tpm2_nvundefine 0x1500021 -C o");
    stop(third);

    TpmUnderTest.Parasol fourth = serve(state);
    ok(fourth, "tpm2_startup -c");
    assertEquals("", ok(fourth, "tpm2_getcap handles-persistent").stdout().trim());
    assertEquals("", ok(fourth, "tpm2_getcap handles-nv-index").stdout().trim());
    assertFalse(tool(fourth, "tpm2_readpublic -c 0x81000005").succeeded());
    stop(fourth);
  }

  /** The counter index 0x1500021's value (tpm2_nvread: 8 big-endian octets). */
  private long counter(TpmUnderTest tpm) throws Exception {
    ok(tpm, "tpm2_nvread 0x1500021 -C o -s 8 -o counter.bin");
    return java.nio.ByteBuffer.wrap(Files.readAllBytes(root.resolve("counter.bin"))).getLong();
  }

  /** One "parasol: ..." line naming the reason, and no stack trace. */
  private static void assertOneSentence(TpmClientTools.Result r, String reason) {
    List<String> lines =
        r.stderr().lines().filter(l -> !l.startsWith("WARNING:") && !l.isBlank()).toList();
    assertEquals(1, lines.size(), "one line on stderr: " + r.stderr());
    assertTrue(lines.getFirst().startsWith("parasol: "), lines.getFirst());
    assertTrue(lines.getFirst().contains(reason), lines.getFirst());
  }

  @Test
  void aKilledServerLosesNothingItAcknowledged() throws Exception {
    Path state = root.resolve("vtpm");
    String auth = "";
    for (int round = 1; round <= 3; round++) {
      TpmUnderTest.Parasol server = serve(state);
      ok(server, "tpm2_startup -c");
      String next = "pw" + round;
      ok(server, "tpm2_changeauth -c owner" + (auth.isEmpty() ? "" : " -p " + auth) + " " + next);
      auth = next;
      server.kill(); // SIGKILL: no last save
    }
    TpmUnderTest.Parasol server = serve(state);
    ok(server, "tpm2_startup -c");
    ok(server, "tpm2_changeauth -c owner -p " + auth);
    stop(server);
  }
}
