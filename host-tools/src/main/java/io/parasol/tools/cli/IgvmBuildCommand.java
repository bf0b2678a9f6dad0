package io.parasol.tools.cli;

import io.parasol.igvm.build.BuildException;
import io.parasol.igvm.build.ImageBuilder;
import io.parasol.igvm.build.Recipe;
import io.parasol.igvm.format.IgvmFile;
import io.parasol.igvm.format.IgvmWriter;
import io.parasol.igvm.measure.LaunchMeasurement;
import io.parasol.igvm.measure.LaunchMeasurements;
import io.parasol.igvm.measure.MeasurementException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code parasol igvm build --recipe FILE.json --out FILE.igvm}. */
@Command(
    name = "build",
    mixinStandardHelpOptions = true,
    description = {
      "Build an IGVM image from a JSON recipe: platforms (snp, tdx, vbs, native)",
      "with their policies, the RAM, and a payload (a Linux kernel, initrd and",
      "command line, or raw page blobs). The same recipe and input files give",
      "the same bytes on any machine (see README, 'IGVM images')."
    })
final class IgvmBuildCommand implements Callable<Integer> {
  /** Images of more pages than this show a progress line on a terminal. */
  private static final long PROGRESS_PAGES = 4096;

  @Option(
      names = "--recipe",
      required = true,
      paramLabel = "FILE.json",
      description = "The recipe.")
  Path recipe;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "FILE.igvm",
      description = "Where to write the image.")
  Path out;

  @Option(
      names = "--progress",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description = "Show progress for large images on a terminal (default: on).")
  boolean progress;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    return IgvmCommand.guarded(
        spec,
        () -> {
          PrintWriter err = spec.commandLine().getErr();
          boolean terminal = progress && System.console() != null;
          IgvmFile file;
          try {
            file =
                ImageBuilder.build(
                    Recipe.read(recipe),
                    (done, total) -> {
                      if (terminal && total > PROGRESS_PAGES) {
                        err.printf(
                            "\rbuilding %s: %3d%% (%d of %d pages)",
                            out, done * 100 / total, done, total);
                        if (done == total) {
                          err.println();
                        }
                        err.flush();
                      }
                    });
          } catch (BuildException e) {
            throw new IgvmCommand.Failure(IgvmCommand.EXIT_IO, e.getMessage());
          }
          byte[] bytes;
          try {
            bytes = IgvmWriter.write(file);
          } catch (IllegalArgumentException e) {
            throw new IgvmCommand.Failure(
                IgvmCommand.EXIT_IO, "cannot write the image: " + e.getMessage());
          }
          IgvmCommand.writeAtomically(out, bytes);
          PrintWriter o = spec.commandLine().getOut();
          o.printf(
              "wrote %s: %d bytes, %d headers, SHA-256 %s%n",
              out,
              bytes.length,
              file.headers().size(),
              HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
          try {
            for (LaunchMeasurement m : LaunchMeasurements.of(file)) {
              o.printf("%-13s %-17s %s%n", m.platform(), m.kind(), m.hex());
            }
          } catch (MeasurementException e) {
            throw new IgvmCommand.Failure(
                IgvmCommand.EXIT_MISSING, "the image cannot be measured: " + e.getMessage());
          }
          return 0;
        });
  }
}
