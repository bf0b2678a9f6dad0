package io.parasol.tools.cli;

import io.parasol.igvm.measure.LaunchMeasurement;
import io.parasol.igvm.measure.LaunchMeasurements;
import io.parasol.igvm.measure.MeasurementException;
import io.parasol.igvm.sign.IdBlockVerifier;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code parasol igvm verify}: structure, checksum, measurements and ID-block signatures. */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = {
      "Check FILE: every rule of the format and the checksum, that each platform",
      "can be measured, and each SNP ID block (its digest is the file's launch",
      "digest, the ID key and author key signatures verify)."
    })
final class IgvmVerifyCommand implements Callable<Integer> {
  @CommandLine.Parameters(paramLabel = "FILE", description = "The IGVM file.")
  Path path;

  @CommandLine.Option(
      names = "--require-signature",
      description = "Fail (exit 5) when the SEV-SNP platform has no ID block.")
  boolean requireSignature;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    return IgvmCommand.guarded(
        spec,
        () -> {
          IgvmCommand.Loaded loaded = IgvmCommand.load(path);
          PrintWriter out = spec.commandLine().getOut();
          out.println(
              "structure and checksum: ok (" + loaded.file().headers().size() + " headers)");
          List<LaunchMeasurement> measurements;
          try {
            measurements = LaunchMeasurements.of(loaded.file());
          } catch (MeasurementException e) {
            throw new IgvmCommand.Failure(
                IgvmCommand.EXIT_VERIFY_FAILED, path + " cannot be measured: " + e.getMessage());
          }
          for (LaunchMeasurement m : measurements) {
            out.println("measurement: " + m);
          }
          List<IdBlockVerifier.Verdict> verdicts = IdBlockVerifier.verify(loaded.file());
          boolean ok = true;
          for (IdBlockVerifier.Verdict v : verdicts) {
            if (v.valid()) {
              out.printf(
                  "SNP ID block (mask 0x%x): signature ok, ID key digest %s%s%n",
                  v.compatibilityMask(),
                  v.idKeyDigest(),
                  v.authorKeyDigest().map(d -> ", author key digest " + d).orElse(""));
            } else {
              ok = false;
              for (String problem : v.problems()) {
                spec.commandLine()
                    .getErr()
                    .printf(
                        "parasol: SNP ID block (mask 0x%x): %s%n", v.compatibilityMask(), problem);
              }
            }
          }
          boolean hasSnp =
              loaded.file().platform(io.parasol.igvm.format.PlatformType.SEV_SNP).isPresent();
          if (verdicts.isEmpty() && hasSnp) {
            out.println("SNP ID block: none (the file is not signed)");
            if (requireSignature) {
              spec.commandLine()
                  .getErr()
                  .println(
                      "parasol: "
                          + path
                          + " has no SNP ID block and --require-signature was given");
              return IgvmCommand.EXIT_VERIFY_FAILED;
            }
          }
          if (!ok) {
            spec.commandLine().getErr().println("parasol: " + path + " failed verification");
            return IgvmCommand.EXIT_VERIFY_FAILED;
          }
          out.println("verified");
          return 0;
        });
  }
}
