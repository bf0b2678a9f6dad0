package io.parasol.tools.cli;

import com.google.gson.JsonParser;
import com.google.protobuf.InvalidProtocolBufferException;
import io.parasol.isolation.attestation.MalformedEvidenceException;
import io.parasol.isolation.attestation.proto.Evidence;
import io.parasol.tools.attest.EvidenceJson;
import io.parasol.tools.attest.EvidenceVerifier;
import io.parasol.tools.attest.Policy;
import io.parasol.tools.attest.Verdict;
import io.parasol.tools.attest.VerdictJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code parasol attest verify}: one piece of evidence, a JSON verdict, an exit code. */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Verify attestation evidence (Protobuf or JSON, see evidence.proto) under a",
      "policy and print a JSON verdict listing every claim checked; on failure its",
      "\"reason\" is the first failed claim in one sentence."
    },
    footer = {
      "",
      "Exit codes: 0 the evidence is valid; 1 it is not; 2 bad usage, or the",
      "evidence or policy cannot be read."
    })
final class AttestVerifyCommand implements Callable<Integer> {
  static final int EXIT_VALID = 0;
  static final int EXIT_INVALID = 1;
  static final int EXIT_UNREADABLE = 2;

  @Parameters(
      index = "0",
      paramLabel = "EVIDENCE",
      description = "The evidence file ('-': standard input).")
  String evidenceFile;

  @Option(
      names = "--policy",
      paramLabel = "FILE",
      description =
          "The policy (JSON). Default: {} (hardware, runtime claims and a TPM quote required).")
  Path policyFile;

  @Option(
      names = "--nonce",
      paramLabel = "HEX",
      description = "The nonce the TPM quotes must carry (their extraData).")
  String nonceHex;

  @Option(
      names = "--at",
      paramLabel = "TIME",
      description =
          "Verify as of this time (ISO-8601, e.g. 2025-01-31T12:00:00Z or 2025-01-31). Default: now.")
  String at;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      defaultValue = "auto",
      description = "protobuf, json or auto (JSON if the file starts with '{'; default).")
  String format;

  @Option(names = "--compact", description = "Print the verdict on one line.")
  boolean compact;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    var err = spec.commandLine().getErr();
    Instant when;
    byte[] nonce = null;
    Policy policy;
    Evidence evidence;
    try {
      when = at == null ? Instant.now() : parseTime(at);
      if (nonceHex != null) {
        nonce = HexFormat.of().parseHex(nonceHex.strip());
      }
    } catch (DateTimeParseException | IllegalArgumentException e) {
      err.println(
          "parasol: "
              + (nonceHex != null && nonce == null
                  ? "--nonce is not hex"
                  : "--at is not an ISO-8601 time or date: " + at));
      return EXIT_UNREADABLE;
    }
    try {
      policy =
          policyFile == null
              ? Policy.defaults()
              : Policy.parse(Files.readString(policyFile, StandardCharsets.UTF_8));
    } catch (IOException e) {
      err.println("parasol: cannot read the policy " + policyFile + ": " + e.getMessage());
      return EXIT_UNREADABLE;
    } catch (Policy.PolicyException e) {
      err.println("parasol: " + policyFile + ": " + e.getMessage());
      return EXIT_UNREADABLE;
    }
    try {
      evidence = readEvidence();
    } catch (InvalidProtocolBufferException | MalformedEvidenceException | RuntimeException e) {
      err.println("parasol: " + evidenceFile + " is not readable evidence: " + e.getMessage());
      return EXIT_UNREADABLE;
    } catch (IOException e) {
      err.println("parasol: cannot read the evidence " + evidenceFile + ": " + e.getMessage());
      return EXIT_UNREADABLE;
    }
    Verdict v = EvidenceVerifier.verify(evidence, policy, nonce, when);
    var json = VerdictJson.toJson(v, when);
    spec.commandLine().getOut().println(compact ? json.toString() : VerdictJson.pretty(json));
    spec.commandLine().getOut().flush();
    return v.valid() ? EXIT_VALID : EXIT_INVALID;
  }

  private Evidence readEvidence()
      throws IOException, InvalidProtocolBufferException, MalformedEvidenceException {
    byte[] bytes =
        evidenceFile.equals("-")
            ? System.in.readAllBytes()
            : Files.readAllBytes(Path.of(evidenceFile));
    boolean json =
        switch (format) {
          case "json" -> true;
          case "protobuf" -> false;
          case "auto" ->
              new String(bytes, 0, Math.min(bytes.length, 64), StandardCharsets.ISO_8859_1)
                  .strip()
                  .startsWith("{");
          default ->
              throw new CommandLine.ParameterException(
                  spec.commandLine(), "--format must be protobuf, json or auto, not " + format);
        };
    if (json) {
      return EvidenceJson.fromJson(
          JsonParser.parseString(new String(bytes, StandardCharsets.UTF_8)));
    }
    return Evidence.parseFrom(bytes);
  }

  static Instant parseTime(String s) {
    try {
      return Instant.parse(s);
    } catch (DateTimeParseException e) {
      return LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant();
    }
  }
}
