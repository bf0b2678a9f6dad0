package io.parasol.tools.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code parasol} command. Users see one sentence and an exit code for a failure, never a stack
 * trace unless they pass {@code --debug}.
 */
@Command(
    name = "parasol",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Parasol: a paravisor for confidential VMs, running here as a KVM process.",
    footer = {
      "",
      "Exit codes of 'run': 0 powered off, 10 reset, 11 triple fault, 12 internal error,",
      "13 stopped by the host; 1 Parasol could not start the VM; 2 bad usage."
    })
public final class Main implements Runnable {
  @Option(
      names = "--log-level",
      paramLabel = "LEVEL",
      defaultValue = "warn",
      description =
          "Log level on standard error: error, warn, info, debug or trace (default: ${DEFAULT-VALUE}).",
      scope = CommandLine.ScopeType.INHERIT)
  void setLogLevel(String level) {
    Level parsed = Level.toLevel(level, null);
    if (parsed == null) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "unknown log level '" + level + "': use error, warn, info, debug or trace");
    }
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(parsed);
  }

  @Option(
      names = "--debug",
      description = "Show stack traces for failures.",
      scope = CommandLine.ScopeType.INHERIT)
  boolean debug;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /**
   * Where relative paths on the command line resolve: null for the process's own working directory;
   * a restored {@link Standby} sets its caller's, which Java's {@code user.dir} cannot follow.
   */
  static volatile Path callerDirectory;

  public static void main(String[] args) throws Exception {
    if (args.length >= 2 && args[0].equals("--standby")) {
      System.exit(Standby.run(args[1], Arrays.copyOfRange(args, 2, args.length)));
    }
    System.exit(execute(args));
  }

  /** A command-line path: relative ones against {@link #callerDirectory} when it is set. */
  static Path path(String value) {
    Path base = callerDirectory;
    return base == null ? Path.of(value) : base.resolve(value);
  }

  /** The first word that is not an option ({@code --log-level} takes the next word), or null. */
  static String commandName(String... args) {
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--log-level")) {
        i++;
      } else if (!args[i].startsWith("-")) {
        return args[i];
      }
    }
    return null;
  }

  /** Runs the command line and returns the exit code. */
  public static int execute(String... args) {
    return execute(
        new java.io.PrintWriter(System.out, true), new java.io.PrintWriter(System.err, true), args);
  }

  /** Runs the command line with its output and errors going to the given writers (for tests). */
  public static int execute(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
    CommandLine cli = new CommandLine(new Main());
    // The subcommands are registered here rather than in @Command: picocli builds the model of
    // every registered command before it runs one, about 0.1 s of CPU for all of them (seconds
    // where the CPU is emulated). A command line that names one registers only that one.
    Map<String, Supplier<Object>> commands = new LinkedHashMap<>();
    commands.put("run", RunCommand::new);
    commands.put("tpm", TpmCommand::new);
    commands.put("igvm", IgvmCommand::new);
    commands.put("attest", AttestCommand::new);
    commands.put("vhost-user", VhostUserCommand::new);
    commands.put("bench", BenchCommand::new);
    String named = commandName(args);
    if (named != null && commands.containsKey(named)) {
      cli.addSubcommand(named, commands.get(named).get());
    } else {
      commands.forEach((name, command) -> cli.addSubcommand(name, command.get()));
    }
    // After the subcommands: picocli gives a converter to the commands registered so far.
    cli.registerConverter(Path.class, Main::path);
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          boolean debug =
              parseResult.hasMatchedOption("--debug")
                  || parseResult.subcommands().stream()
                      .anyMatch(p -> p.hasMatchedOption("--debug"));
          if (debug) {
            e.printStackTrace();
          }
          commandLine.getErr().println("parasol: " + sentence(e));
          return 1;
        });
    return cli.execute(args);
  }

  /** A failure as one sentence: its message, or its type when it has none. */
  static String sentence(Throwable e) {
    String message = e.getMessage();
    if (message == null || message.isBlank()) {
      message = e.getClass().getSimpleName();
    }
    return message;
  }

  /** The version from the jar's manifest, or "development". */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"parasol " + (v == null ? "development build" : v)};
    }
  }
}
