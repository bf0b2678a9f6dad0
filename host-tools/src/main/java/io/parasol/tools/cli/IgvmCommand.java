package io.parasol.tools.cli;

import io.parasol.igvm.format.IgvmFile;
import io.parasol.igvm.format.IgvmFormatException;
import io.parasol.igvm.format.IgvmParser;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code parasol igvm}: read, measure, sign, verify and build IGVM images. */
@Command(
    name = "igvm",
    mixinStandardHelpOptions = true,
    description = "IGVM images: dump, measure, sign, verify, build.",
    subcommands = {
      IgvmCommand.Dump.class,
      IgvmCommand.Measure.class,
      IgvmSignCommand.class,
      IgvmVerifyCommand.class,
      IgvmCommand.Reference.class,
      IgvmBuildCommand.class,
    },
    footer = {
      "",
      "Exit codes of the igvm commands: 0 done; 1 a file could not be read or",
      "written, or a key could not be used; 2 bad usage; 3 FILE is not a valid",
      "IGVM file (the first broken rule and its offset are printed); 4 FILE",
      "lacks what was asked (no such platform, nothing to sign); 5 verification",
      "failed (a digest or signature does not match)."
    })
final class IgvmCommand implements Runnable {
  static final int EXIT_IO = 1;
  static final int EXIT_INVALID = 3;
  static final int EXIT_MISSING = 4;
  static final int EXIT_VERIFY_FAILED = 5;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** A failure with its exit code and one sentence for the user. */
  static final class Failure extends Exception {
    private static final long serialVersionUID = 1L;
    final int exitCode;

    Failure(int exitCode, String message) {
      super(message);
      this.exitCode = exitCode;
    }
  }

  /** A file read and parsed, with its size. */
  record Loaded(IgvmFile file, long bytes) {}

  static Loaded load(Path path) throws Failure {
    try {
      if (Files.exists(path) && !Files.isRegularFile(path)) {
        throw new Failure(EXIT_IO, "cannot read " + path + ": not a regular file");
      }
      if (Files.exists(path) && Files.size(path) > Integer.MAX_VALUE - 8) {
        throw new Failure(
            EXIT_INVALID, path + " is larger than 2 GiB, which Parasol does not read");
      }
      // Large files are mapped, not copied: the pages are hashed straight from the page cache.
      IgvmFile file = IgvmParser.parse(path);
      return new Loaded(file, Files.size(path));
    } catch (IOException e) {
      throw new Failure(EXIT_IO, "cannot read " + path + ": " + reason(e));
    } catch (OutOfMemoryError e) {
      throw new Failure(EXIT_IO, "cannot read " + path + ": it does not fit in memory");
    } catch (IgvmFormatException e) {
      throw new Failure(EXIT_INVALID, path + ": " + e.getMessage());
    }
  }

  /** Writes {@code bytes} to {@code path} through a temporary file beside it. */
  static void writeAtomically(Path path, byte[] bytes) throws Failure {
    Path absolute = path.toAbsolutePath();
    try {
      Path parent = absolute.getParent();
      Path temporary = Files.createTempFile(parent, "." + absolute.getFileName(), ".tmp");
      try {
        Files.write(temporary, bytes);
        try {
          // Readable by all, as a file written directly would be with the usual umask.
          Files.setPosixFilePermissions(
              temporary, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException e) {
          // not a POSIX file system: its defaults apply
        }
        try {
          Files.move(
              temporary,
              absolute,
              StandardCopyOption.REPLACE_EXISTING,
              StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        Files.deleteIfExists(temporary);
      }
    } catch (IOException e) {
      throw new Failure(EXIT_IO, "cannot write " + path + ": " + reason(e));
    }
  }

  /** Why an I/O operation failed, in words. */
  static String reason(IOException e) {
    return switch (e) {
      case NoSuchFileException n -> "no such file or directory";
      case java.nio.file.AccessDeniedException a -> "permission denied";
      case java.nio.file.FileSystemException f when f.getReason() != null -> f.getReason();
      default -> Main.sentence(e);
    };
  }

  /** Runs {@code body}, turning a {@link Failure} into its sentence and exit code. */
  static int guarded(CommandLine.Model.CommandSpec spec, Callable<Integer> body) throws Exception {
    try {
      return body.call();
    } catch (Failure f) {
      PrintWriter err = spec.commandLine().getErr();
      err.println("parasol: " + f.getMessage());
      return f.exitCode;
    }
  }

  /** {@code parasol igvm dump FILE [--json]}. */
  @Command(
      name = "dump",
      mixinStandardHelpOptions = true,
      description = "Print every header of FILE (human readable, or JSON with --json).")
  static final class Dump implements Callable<Integer> {
    @CommandLine.Parameters(paramLabel = "FILE", description = "The IGVM file.")
    Path path;

    @CommandLine.Option(names = "--json", description = "Print JSON.")
    boolean json;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      return guarded(
          spec,
          () -> {
            Loaded loaded = load(path);
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
              out.println(
                  new com.fasterxml.jackson.databind.ObjectMapper()
                      .writerWithDefaultPrettyPrinter()
                      .writeValueAsString(
                          io.parasol.tools.image.IgvmDescription.json(
                              loaded.file(), loaded.bytes())));
            } else {
              io.parasol.tools.image.IgvmDescription.text(loaded.file(), loaded.bytes())
                  .forEach(out::println);
            }
            return 0;
          });
    }
  }

  /** {@code parasol igvm measure FILE [--platform snp|tdx|vbs] [--json]}. */
  @Command(
      name = "measure",
      mixinStandardHelpOptions = true,
      description = {
        "Compute the launch measurement of each platform of FILE: the SEV-SNP",
        "launch digest, the TDX MRTD, the VBS boot digest."
      })
  static final class Measure implements Callable<Integer> {
    @CommandLine.Parameters(paramLabel = "FILE", description = "The IGVM file.")
    Path path;

    @CommandLine.Option(
        names = "--platform",
        paramLabel = "PLATFORM",
        description = "Only this platform: snp, tdx or vbs.")
    String platform;

    @CommandLine.Option(names = "--json", description = "Print JSON.")
    boolean json;

    @CommandLine.Option(
        names = "--time",
        description =
            "Print to standard error how long reading, checking and measuring took (for bench/igvm).")
    boolean time;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      long start = System.nanoTime();
      io.parasol.igvm.format.PlatformType only =
          platform == null ? null : platformType(spec, platform);
      return guarded(
          spec,
          () -> {
            Loaded loaded = load(path);
            java.util.List<io.parasol.igvm.measure.LaunchMeasurement> list;
            try {
              if (only == null) {
                list = io.parasol.igvm.measure.LaunchMeasurements.of(loaded.file());
                if (list.isEmpty()) {
                  throw new Failure(
                      EXIT_MISSING,
                      path + " has no SEV_SNP, TDX or VSM_ISOLATION platform to measure");
                }
              } else {
                list =
                    java.util.List.of(
                        io.parasol.igvm.measure.LaunchMeasurements.of(loaded.file(), only)
                            .orElseThrow(
                                () ->
                                    new Failure(
                                        EXIT_MISSING, path + " has no " + only + " platform")));
              }
            } catch (io.parasol.igvm.measure.MeasurementException e) {
              throw new Failure(EXIT_MISSING, path + " cannot be measured: " + e.getMessage());
            }
            if (time) {
              spec.commandLine()
                  .getErr()
                  .printf("measure_ms=%.1f%n", (System.nanoTime() - start) / 1e6);
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
              com.fasterxml.jackson.databind.ObjectMapper mapper =
                  new com.fasterxml.jackson.databind.ObjectMapper();
              com.fasterxml.jackson.databind.node.ArrayNode array = mapper.createArrayNode();
              for (io.parasol.igvm.measure.LaunchMeasurement m : list) {
                array
                    .addObject()
                    .put("platform", m.platform().name())
                    .put("compatibilityMask", m.compatibilityMask())
                    .put("measurement", m.kind().name())
                    .put("algorithm", m.kind().algorithm())
                    .put("digest", m.hex());
              }
              out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(array));
            } else {
              for (io.parasol.igvm.measure.LaunchMeasurement m : list) {
                out.printf(
                    "%-13s mask 0x%x  %-17s %s %s%n",
                    m.platform(), m.compatibilityMask(), m.kind(), m.kind().algorithm(), m.hex());
              }
            }
            return 0;
          });
    }
  }

  static io.parasol.igvm.format.PlatformType platformType(
      CommandLine.Model.CommandSpec spec, String name) {
    return switch (name.toLowerCase(java.util.Locale.ROOT)) {
      case "snp", "sev-snp", "sev_snp" -> io.parasol.igvm.format.PlatformType.SEV_SNP;
      case "tdx" -> io.parasol.igvm.format.PlatformType.TDX;
      case "vbs", "vsm", "vsm_isolation" -> io.parasol.igvm.format.PlatformType.VSM_ISOLATION;
      default ->
          throw new CommandLine.ParameterException(
              spec.commandLine(), "--platform " + name + " is not snp, tdx or vbs");
    };
  }

  /** {@code parasol igvm reference FILE [--out FILE.json] [--corim FILE.cbor]}. */
  @Command(
      name = "reference",
      mixinStandardHelpOptions = true,
      description = {
        "Print the reference values of each platform of FILE as JSON: launch",
        "digest, policy, SVN and the signed SNP ID block; with --corim, also write",
        "them as a CoRIM (CBOR)."
      })
  static final class Reference implements Callable<Integer> {
    @CommandLine.Parameters(paramLabel = "FILE", description = "The IGVM file.")
    Path path;

    @CommandLine.Option(
        names = "--out",
        paramLabel = "FILE.json",
        description = "Write the JSON here instead of standard output.")
    Path jsonOut;

    @CommandLine.Option(
        names = "--corim",
        paramLabel = "FILE.cbor",
        description = "Write the CoRIM (unsigned, CBOR) here.")
    Path corimOut;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      return guarded(
          spec,
          () -> {
            Loaded loaded = load(path);
            io.parasol.igvm.reference.ReferenceValues values;
            try {
              values =
                  io.parasol.igvm.reference.ReferenceValues.of(
                      path.getFileName().toString(), loaded.file());
            } catch (io.parasol.igvm.measure.MeasurementException e) {
              throw new Failure(EXIT_MISSING, path + " cannot be measured: " + e.getMessage());
            }
            if (values.platforms().isEmpty()) {
              throw new Failure(
                  EXIT_MISSING, path + " has no SEV_SNP, TDX or VSM_ISOLATION platform");
            }
            String json =
                new com.fasterxml.jackson.databind.ObjectMapper()
                    .writerWithDefaultPrettyPrinter()
                    .writeValueAsString(values.toJson());
            if (jsonOut != null) {
              writeAtomically(
                  jsonOut, (json + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            } else {
              spec.commandLine().getOut().println(json);
            }
            if (corimOut != null) {
              writeAtomically(corimOut, values.toCorim());
            }
            return 0;
          });
    }
  }
}
