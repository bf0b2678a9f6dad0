package io.parasol.tests;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A script of tpm2-tools commands, each with what it must print or leave behind, run in one working
 * directory against one TPM. The same script runs against Parasol and swtpm; {@link TpmToolsIT}
 * compares the verdicts.
 */
final class TpmScript {

  /** Checks a step's result; throws {@link AssertionError} saying what is wrong. */
  @FunctionalInterface
  interface Check {
    Check NONE = (r, dir) -> {};

    void verify(TpmClientTools.Result result, Path dir) throws Exception;
  }

  /**
   * One command. {@code expectSuccess} false: the tool must fail (a refused authorisation, a locked
   * index). {@code flushAfter}: transient objects are flushed afterwards (tpm2-tools leave what
   * they load in the TPM, and with no resource manager the slots run out). {@code sameFiles}: files
   * whose bytes must be equal on every TPM (policy digests, hashes, public areas derived from the
   * same seed-free inputs).
   */
  record Step(
      String id,
      List<String> argv,
      boolean expectSuccess,
      Check check,
      boolean flushAfter,
      List<String> sameFiles) {}

  /** What a step did on one TPM: null {@code problem} when it behaved as the script expects. */
  record Verdict(String problem, TpmClientTools.Result result) {
    boolean ok() {
      return problem == null;
    }
  }

  private final List<Step> steps = new ArrayList<>();
  private boolean flushing;

  /** From here on, every step is followed by a flush of transient objects. */
  TpmScript objects() {
    flushing = true;
    return this;
  }

  TpmScript ok(String id, String command) {
    return ok(id, command, Check.NONE);
  }

  TpmScript ok(String id, String command, Check check, String... sameFiles) {
    return add(new Step(id, split(command), true, check, flushing, List.of(sameFiles)));
  }

  TpmScript fails(String id, String command) {
    return add(new Step(id, split(command), false, Check.NONE, flushing, List.of()));
  }

  private TpmScript add(Step step) {
    if (steps.stream().anyMatch(s -> s.id().equals(step.id()))) {
      throw new IllegalArgumentException("two steps are called " + step.id());
    }
    steps.add(step);
    return this;
  }

  private static List<String> split(String command) {
    return Arrays.asList(command.trim().split(" +"));
  }

  List<Step> steps() {
    return steps;
  }

  /** Runs every step against {@code tcti} in {@code dir}; returns the verdicts by step id. */
  Map<String, Verdict> run(String tcti, Path dir) throws Exception {
    Map<String, Verdict> verdicts = new LinkedHashMap<>();
    for (Step step : steps) {
      List<String> argv = step.argv().stream().map(a -> expand(a, dir)).toList();
      TpmClientTools.Result result = TpmClientTools.run(tcti, dir, argv);
      String problem = null;
      if (result.succeeded() != step.expectSuccess()) {
        problem = step.expectSuccess() ? "failed (exit " + result.exitCode() + ")" : "succeeded";
      } else if (step.expectSuccess()) {
        try {
          step.check().verify(result, dir);
        } catch (AssertionError | Exception e) {
          problem = "wrong result: " + e.getMessage();
        }
      }
      verdicts.put(step.id(), new Verdict(problem, result));
      if (step.flushAfter()) {
        TpmClientTools.run(tcti, dir, List.of("tpm2_flushcontext", "-t"));
      }
    }
    return verdicts;
  }

  private static final Pattern HEX_OF_FILE = Pattern.compile("\\{hex:([^}]+)}");

  /** {@code {hex:FILE}} becomes the hex of FILE's bytes (e.g. a Name for tpm2_makecredential). */
  private static String expand(String arg, Path dir) {
    Matcher m = HEX_OF_FILE.matcher(arg);
    StringBuilder b = new StringBuilder();
    while (m.find()) {
      String hex;
      try {
        hex = HexFormat.of().formatHex(Files.readAllBytes(dir.resolve(m.group(1))));
      } catch (java.io.IOException e) {
        hex = "missing-" + m.group(1);
      }
      m.appendReplacement(b, hex);
    }
    m.appendTail(b);
    return b.toString();
  }
}
