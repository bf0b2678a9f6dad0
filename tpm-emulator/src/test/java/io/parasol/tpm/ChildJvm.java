package io.parasol.tpm;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The child JVMs of the crash tests: the command that starts one fast, an optional AOT cache (JEP
 * 514) trained for it, and the end of its log for failure messages.
 */
public final class ChildJvm {
  private ChildJvm() {}

  /**
   * The child's command up to the main class: this JVM's {@code java}, flags for a fast start, and
   * a class path of {@code jar} (the packed classes under test, which the AOT cache needs in a jar)
   * and the jars that hold {@code libraries}.
   */
  public static List<String> command(Path jar, List<Class<?>> libraries) throws URISyntaxException {
    String javaBinary =
        ProcessHandle.current()
            .info()
            .command()
            .orElseThrow(() -> new IllegalStateException("cannot tell which java runs this test"));
    List<String> classPath = new ArrayList<>(List.of(jar.toString()));
    for (Class<?> c : libraries) {
      Path location = codeSource(c);
      if (!Files.isDirectory(location) && !classPath.contains(location.toString())) {
        classPath.add(location.toString());
      }
    }
    return new ArrayList<>(
        List.of(
            javaBinary,
            "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC",
            "-XX:-UsePerfData",
            "-Xmx64m",
            "--sun-misc-unsafe-memory-access=allow",
            "-Dslf4j.provider=org.slf4j.helpers.NOP_FallbackServiceProvider",
            "-cp",
            String.join(File.pathSeparator, classPath)));
  }

  /**
   * Runs {@code mainAndArgs} once to completion with {@code -XX:AOTCacheOutput=cache}, its output
   * in {@code log}, and, if that produced the cache, adds {@code -XX:AOTCache} to {@code java}.
   *
   * @return what happened, for the summary line
   */
  public static String trainAotCache(
      List<String> java, Path cache, Path log, List<String> mainAndArgs) throws Exception {
    List<String> command = new ArrayList<>(java);
    command.add(command.size() - 2, "-XX:AOTCacheOutput=" + cache);
    command.addAll(mainAndArgs);
    Process training =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!training.waitFor(60, TimeUnit.SECONDS)) {
      training.destroyForcibly();
      return "no AOT cache: training timed out";
    }
    if (training.exitValue() != 0 || !Files.isRegularFile(cache)) {
      return "no AOT cache: training exited with " + training.exitValue();
    }
    java.add(java.size() - 2, "-XX:AOTCache=" + cache);
    return "AOT cache";
  }

  /** The directory or jar {@code c} was loaded from. */
  public static Path codeSource(Class<?> c) throws URISyntaxException {
    return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  /** The last 30 lines of a child's {@code log}, for a failure message. */
  public static String tail(Path log) throws IOException {
    if (!Files.exists(log)) {
      return "no stderr";
    }
    List<String> lines = Files.readAllLines(log);
    return "stderr ends: "
        + String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
  }
}
