package io.parasol.tpm;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The seed inputs of {@link TpmDispatcherFuzzTest}: short programs of valid commands in {@link
 * TpmFuzzDriver}'s format, each starting with TPM2_Startup, so that mutations begin from commands
 * that pass the header, handle and authorisation checks. {@link #main} rewrites the committed
 * files; {@code TpmDispatcherFuzzTest.seedsAreTheCommittedValidPrograms} checks them.
 */
final class TpmDispatcherFuzzSeeds {
  static final Path DIRECTORY =
      Path.of("src/test/resources/io/parasol/tpm/TpmDispatcherFuzzTestInputs/executeCommands");

  private TpmDispatcherFuzzSeeds() {}

  /** A program: frames of locality, length and command. */
  static final class Program {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Program() {
      add(startup(0));
    }

    Program add(TpmCommandBuilder command) {
      return add(0, command.build());
    }

    Program add(int locality, byte[] command) {
      out.write(locality);
      out.write(command.length >>> 8);
      out.write(command.length);
      out.writeBytes(command);
      return this;
    }

    byte[] bytes() {
      return out.toByteArray();
    }
  }

  static TpmCommandBuilder startup(int type) {
    return TpmCommandBuilder.command(TpmCc.STARTUP).params(w -> w.writeU16(type));
  }

  private static TpmCommandBuilder getCapability(int capability, int property, int count) {
    return TpmCommandBuilder.command(TpmCc.GET_CAPABILITY)
        .params(w -> w.writeU32(capability).writeU32(property).writeU32(count));
  }

  /** A TPML_PCR_SELECTION of {@code pcr} in the SHA-256 bank. */
  private static void pcrSelection(io.parasol.tpm.marshal.TpmWriter w, int pcr) {
    w.writeU32(1).writeU16(TpmAlgId.SHA256).writeU8(3);
    byte[] bits = new byte[3];
    bits[pcr / 8] = (byte) (1 << (pcr % 8));
    w.writeBytes(bits);
  }

  /** Every seed by name. */
  static Map<String, byte[]> all() {
    byte[] digest = new byte[32];
    for (int i = 0; i < 32; i++) {
      digest[i] = (byte) i;
    }
    byte[] data = "fuzz me".getBytes(StandardCharsets.US_ASCII);
    Map<String, byte[]> seeds = new LinkedHashMap<>();
    seeds.put(
        "random-pcr-clock",
        new Program()
            .add(TpmCommandBuilder.command(TpmCc.GET_RANDOM).params(w -> w.writeU16(32)))
            .add(
                TpmCommandBuilder.command(TpmCc.PCR_EXTEND)
                    .handle(16)
                    .password()
                    .params(w -> w.writeU32(1).writeU16(TpmAlgId.SHA256).writeBytes(digest)))
            .add(TpmCommandBuilder.command(TpmCc.PCR_READ).params(w -> pcrSelection(w, 16)))
            .add(
                TpmCommandBuilder.command(TpmCc.PCR_EVENT)
                    .handle(16)
                    .password()
                    .params(w -> w.write2B(data)))
            .add(TpmCommandBuilder.command(TpmCc.PCR_RESET).handle(16).password())
            .add(TpmCommandBuilder.command(TpmCc.READ_CLOCK))
            .bytes());
    seeds.put(
        "capabilities",
        new Program()
            .add(getCapability(0x0, 0x0001, 64)) // TPM_CAP_ALGS
            .add(getCapability(0x1, 0x8000_0000, 64)) // TPM_CAP_HANDLES, transient
            .add(getCapability(0x1, 0x4000_0000, 64)) // permanent
            .add(getCapability(0x2, 0x011F, 256)) // TPM_CAP_COMMANDS
            .add(getCapability(0x5, 0, 8)) // TPM_CAP_PCRS
            .add(getCapability(0x6, 0x100, 64)) // TPM_CAP_TPM_PROPERTIES, fixed
            .add(getCapability(0x6, 0x200, 64)) // variable
            .add(getCapability(0x8, 0, 8)) // TPM_CAP_ECC_CURVES
            .bytes());
    seeds.put(
        "hash-and-sequence",
        new Program()
            .add(
                TpmCommandBuilder.command(TpmCc.HASH)
                    .params(
                        w ->
                            w.write2B(data).writeU16(TpmAlgId.SHA256).writeU32(TpmHandle.RH_OWNER)))
            .add(
                TpmCommandBuilder.command(TpmCc.HASH_SEQUENCE_START)
                    .params(w -> w.write2B(new byte[0]).writeU16(TpmAlgId.SHA256)))
            .add(
                TpmCommandBuilder.command(TpmCc.SEQUENCE_UPDATE)
                    .handle(0x8000_0000)
                    .password()
                    .params(w -> w.write2B(data)))
            .add(
                TpmCommandBuilder.command(TpmCc.SEQUENCE_COMPLETE)
                    .handle(0x8000_0000)
                    .password()
                    .params(w -> w.write2B(data).writeU32(TpmHandle.RH_NULL)))
            .bytes());
    seeds.put(
        "sessions",
        new Program()
            .add(
                TpmCommandBuilder.command(TpmCc.START_AUTH_SESSION)
                    .handle(TpmHandle.RH_NULL)
                    .handle(TpmHandle.RH_NULL)
                    .params(
                        w ->
                            w.write2B(digest) // nonceCaller
                                .write2B(new byte[0]) // encryptedSalt
                                .writeU8(0x00) // TPM_SE_HMAC
                                .writeU16(TpmAlgId.AES) // symmetric: AES-128-CFB
                                .writeU16(128)
                                .writeU16(0x0043)
                                .writeU16(TpmAlgId.SHA256)))
            .add(
                TpmCommandBuilder.command(TpmCc.START_AUTH_SESSION)
                    .handle(TpmHandle.RH_NULL)
                    .handle(TpmHandle.RH_NULL)
                    .params(
                        w ->
                            w.write2B(digest)
                                .write2B(new byte[0])
                                .writeU8(0x01) // TPM_SE_POLICY
                                .writeU16(TpmAlgId.NULL)
                                .writeU16(TpmAlgId.SHA256)))
            .add(
                TpmCommandBuilder.command(TpmCc.FLUSH_CONTEXT).params(w -> w.writeU32(0x0200_0000)))
            .bytes());
    seeds.put(
        "hierarchy-and-state",
        new Program()
            .add(
                TpmCommandBuilder.command(TpmCc.HIERARCHY_CHANGE_AUTH)
                    .handle(TpmHandle.RH_OWNER)
                    .password()
                    .params(w -> w.write2B(data)))
            .add(
                TpmCommandBuilder.command(TpmCc.DICTIONARY_ATTACK_PARAMETERS)
                    .handle(TpmHandle.RH_LOCKOUT)
                    .password()
                    .params(w -> w.writeU32(5).writeU32(10).writeU32(20)))
            .add(
                TpmCommandBuilder.command(TpmCc.HIERARCHY_CONTROL)
                    .handle(TpmHandle.RH_PLATFORM)
                    .password()
                    .params(w -> w.writeU32(TpmHandle.RH_OWNER).writeU8(0)))
            .add(TpmCommandBuilder.command(TpmCc.CLEAR).handle(TpmHandle.RH_LOCKOUT).password())
            .add(TpmCommandBuilder.command(TpmCc.SHUTDOWN).params(w -> w.writeU16(1)))
            .bytes());
    seeds.put(
        "testing-random-clock",
        new Program()
            .add(TpmCommandBuilder.command(TpmCc.SELF_TEST).params(w -> w.writeU8(1)))
            .add(TpmCommandBuilder.command(TpmCc.GET_TEST_RESULT))
            .add(TpmCommandBuilder.command(TpmCc.STIR_RANDOM).params(w -> w.write2B(data)))
            .add(
                TpmCommandBuilder.command(TpmCc.CLOCK_SET)
                    .handle(TpmHandle.RH_OWNER)
                    .password()
                    .params(w -> w.writeU64(10_000_000L)))
            .bytes());
    return seeds;
  }

  /** Rewrites the seed files (run from the tpm-emulator folder). */
  public static void main(String[] args) throws IOException {
    Files.createDirectories(DIRECTORY);
    for (Map.Entry<String, byte[]> seed : all().entrySet()) {
      Files.write(DIRECTORY.resolve("seed-" + seed.getKey()), seed.getValue());
    }
  }
}
