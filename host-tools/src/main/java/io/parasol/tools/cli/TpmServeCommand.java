package io.parasol.tools.cli;

import io.parasol.tpm.server.Endpoint;
import io.parasol.tpm.server.MssimServer;
import io.parasol.tpm.server.SwtpmServer;
import io.parasol.tpm.server.TpmServerOptions;
import io.parasol.tpm.server.TpmService;
import io.parasol.tpm.state.TpmStateCorruptException;
import io.parasol.tpm.state.TpmStateException;
import io.parasol.tpm.state.TpmStateFormatException;
import io.parasol.tpm.state.TpmStateKeyException;
import io.parasol.tpm.state.TpmStateRollbackException;
import io.parasol.tpm.state.TpmStateWrongKeyException;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code parasol tpm serve}: Parasol's vTPM as a process, over the Microsoft simulator (mssim) and
 * swtpm socket protocols, with its state sealed in a directory. It parses options only; the wiring
 * is {@link TpmService}.
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Serve Parasol's vTPM over the mssim protocol (tpm2-tools:",
      "-T mssim:host=H,port=P) and the swtpm socket protocol (tpm2-tools:",
      "-T swtpm:port=P; QEMU: -tpmdev emulator). With no server option, mssim",
      "listens on port 2321 (platform port 2322).",
      "The state is loaded from --state DIR (a new TPM is manufactured when DIR",
      "holds none), saved after every command that changes it and at exit.",
      "SIGINT or SIGTERM stop the server."
    },
    footer = {
      "",
      "The state key defaults to DIR.key beside DIR (created mode 0600 if",
      "missing); the rollback anchor is KEY.anchor beside the key, so a copy of",
      "DIR alone carries neither.",
      "",
      "Exit codes: 0 stopped (by a signal or a client's stop request);",
      "1 could not start or serve (a port or the state directory in use);",
      "2 bad usage; 3 the state is older than the rollback anchor (rolled back,",
      "replayed or deleted); 4 the state or anchor is corrupt or of an unknown",
      "format; 5 the key file is unusable or the state was sealed under another",
      "key; 6 the state could not be saved while serving."
    })
final class TpmServeCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(TpmServeCommand.class);

  static final int EXIT_STOPPED = 0;
  static final int EXIT_CANNOT_START = 1;
  static final int EXIT_ROLLED_BACK = 3;
  static final int EXIT_CORRUPT = 4;
  static final int EXIT_KEY = 5;
  static final int EXIT_SAVE_FAILED = 6;

  /** The mssim port when no server option is given (the reference simulator's). */
  static final int DEFAULT_MSSIM_PORT = 2321;

  @Option(
      names = "--state",
      paramLabel = "DIR",
      description = "The state directory (created mode 0700 if missing).")
  Path stateDirectory;

  @Option(
      names = "--key-file",
      paramLabel = "FILE",
      description = "The 32-byte state key file (default: DIR.key beside DIR).")
  Path keyFile;

  @Option(
      names = "--ephemeral",
      description = "Keep the TPM in memory only: a new TPM, lost at exit (no --state).")
  boolean ephemeral;

  @Option(
      names = "--mssim",
      paramLabel = "PORT",
      description = "mssim TPM command port; the platform port is PORT+1 (0: a free pair).")
  Integer mssimPort;

  @Option(
      names = "--mssim-unix",
      paramLabel = "PATH",
      description = "mssim on Unix sockets: commands at PATH, platform at PATH.ctrl.")
  Path mssimUnix;

  @Option(
      names = "--swtpm",
      paramLabel = "PORT",
      description = "swtpm data channel port (0 with no --ctrl: a free pair).")
  Integer swtpmPort;

  @Option(
      names = "--ctrl",
      paramLabel = "PORT",
      description = "swtpm control channel port (default: the --swtpm port + 1).")
  Integer ctrlPort;

  @Option(
      names = "--swtpm-unix",
      paramLabel = "PATH",
      description = "swtpm on Unix sockets: data at PATH, control at PATH.ctrl.")
  Path swtpmUnix;

  @Option(
      names = "--bind",
      paramLabel = "ADDR",
      defaultValue = "127.0.0.1",
      description = "The address TCP servers listen on (default: ${DEFAULT-VALUE}).")
  String bind;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    TpmService.Builder builder = configure();
    TpmService service;
    try {
      service = builder.start();
    } catch (TpmStateException e) {
      err.println("parasol: " + Main.sentence(e));
      return exitCode(e);
    } catch (IOException e) {
      err.println("parasol: cannot start the vTPM's servers: " + Main.sentence(e));
      return EXIT_CANNOT_START;
    }
    installStopHandlers(service);
    report(service, out);
    service.awaitStop();
    service.close();
    if (service.saveFailure().isPresent()) {
      err.println("parasol: " + Main.sentence(service.saveFailure().get()));
      return EXIT_SAVE_FAILED;
    }
    out.println(
        service.ephemeral()
            ? "stopped"
            : "stopped; state saved at generation " + service.stateGeneration());
    return EXIT_STOPPED;
  }

  private TpmService.Builder configure() {
    if (ephemeral == (stateDirectory != null)) {
      throw usage("give either --state DIR or --ephemeral");
    }
    if (ephemeral && keyFile != null) {
      throw usage("--key-file needs --state, not --ephemeral");
    }
    if (ctrlPort != null && swtpmPort == null) {
      throw usage("--ctrl needs --swtpm");
    }
    InetAddress address;
    try {
      address = InetAddress.getByName(bind);
    } catch (UnknownHostException e) {
      throw usage("--bind " + bind + " is not an address: " + e.getMessage());
    }
    TpmService.Builder builder = TpmService.builder().options(TpmServerOptions.defaults());
    if (ephemeral) {
      builder.ephemeral();
    } else {
      builder.stateDirectory(stateDirectory);
      try {
        builder.keyFile(keyFile != null ? keyFile : TpmService.defaultKeyFile(stateDirectory));
      } catch (IllegalArgumentException e) {
        throw usage(e.getMessage());
      }
    }
    boolean none = mssimPort == null && mssimUnix == null && swtpmPort == null && swtpmUnix == null;
    if (none) {
      mssimPort = DEFAULT_MSSIM_PORT;
    }
    if (mssimPort != null) {
      checkPort("--mssim", mssimPort, true);
      builder.mssimTcp(address, mssimPort);
    }
    if (mssimUnix != null) {
      builder.mssimUnix(mssimUnix);
    }
    if (swtpmPort != null) {
      checkPort("--swtpm", swtpmPort, ctrlPort == null);
      if (ctrlPort != null) {
        checkPort("--ctrl", ctrlPort, false);
        if (swtpmPort == 0 || ctrlPort == 0) {
          throw usage("with --ctrl, give both ports (0 for a free pair needs --swtpm 0 alone)");
        }
        builder.swtpmTcp(address, swtpmPort, ctrlPort);
      } else {
        builder.swtpmTcp(address, swtpmPort, swtpmPort == 0 ? 0 : swtpmPort + 1);
      }
    }
    if (swtpmUnix != null) {
      builder.swtpmUnix(swtpmUnix);
    }
    return builder;
  }

  private void checkPort(String option, int port, boolean needsNext) {
    int max = needsNext ? 0xFFFE : 0xFFFF;
    if (port < 0 || port > max) {
      throw usage(option + " " + port + " is not a port from 0 to " + max);
    }
  }

  private CommandLine.ParameterException usage(String message) {
    return new CommandLine.ParameterException(spec.commandLine(), message);
  }

  /** The exit code for a state that cannot be used; see the footer. */
  static int exitCode(TpmStateException e) {
    return switch (e) {
      case TpmStateRollbackException r -> EXIT_ROLLED_BACK;
      case TpmStateCorruptException c -> EXIT_CORRUPT;
      case TpmStateFormatException f -> EXIT_CORRUPT;
      case TpmStateWrongKeyException w -> EXIT_KEY;
      case TpmStateKeyException k -> EXIT_KEY;
      default -> EXIT_CANNOT_START;
    };
  }

  /**
   * What the service is and where it listens, one fact per line; tests and scripts read the {@code
   * mssim:} and {@code swtpm:} lines for the ports.
   */
  private static void report(TpmService service, PrintWriter out) {
    if (service.ephemeral()) {
      out.println("state: ephemeral (in memory only)");
    } else {
      out.println(
          "state: "
              + service.stateFile().orElseThrow()
              + " generation "
              + service.stateGeneration()
              + (service.manufactured() ? " (new TPM manufactured)" : ""));
    }
    for (MssimServer m : service.mssimServers()) {
      out.println(
          "mssim: command "
              + endpoint(m.commandEndpoint())
              + " platform "
              + endpoint(m.platformEndpoint()));
    }
    for (SwtpmServer s : service.swtpmServers()) {
      out.println(
          "swtpm: data "
              + endpoint(s.dataEndpoint())
              + " control "
              + endpoint(s.controlEndpoint()));
    }
    out.println("ready");
    out.flush();
  }

  private static String endpoint(Endpoint endpoint) {
    return endpoint == null ? "(none)" : endpoint.toString();
  }

  /** SIGINT and SIGTERM close the service (servers, last save), then the command returns 0. */
  private static void installStopHandlers(TpmService service) {
    for (String name : new String[] {"INT", "TERM"}) {
      try {
        sun.misc.Signal.handle(
            new sun.misc.Signal(name),
            signal -> {
              LOG.info("SIG{} received: stopping the vTPM", signal.getName());
              Thread.ofPlatform().name("tpm-stop").start(service::close);
            });
      } catch (IllegalArgumentException e) {
        LOG.debug("cannot handle SIG{} here: {}", name, e.getMessage());
      }
    }
  }
}
