package io.parasol.tools.cli;

import io.parasol.paravisor.boot.FlatBinaryImage;
import io.parasol.paravisor.chipset.uart.CapturingSerialBackend;
import io.parasol.paravisor.vm.VirtualMachine;
import io.parasol.paravisor.vm.VmOutcome;
import io.parasol.paravisor.vm.VmResult;
import io.parasol.tools.bench.NullPortDevice;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code parasol bench}: figures for the scripts under {@code bench/}. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description =
        "Measure Parasol for the benchmark scripts in bench/ (they print the ratio to a peer).",
    subcommands = {BenchCommand.PortIo.class})
final class BenchCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** Port-I/O exits through the full chipset bus to a null device. */
  @Command(
      name = "portio",
      mixinStandardHelpOptions = true,
      description = {
        "Run the portio-bench test guest, which writes to port 0xEB0 N times; each write exits",
        "to Parasol and goes through the chipset bus to a null device. Prints parasol_ns_per_exit."
      })
  static final class PortIo implements Callable<Integer> {
    static final int BENCH_PORT = 0x0EB0;

    @Option(
        names = "--exits",
        paramLabel = "N",
        defaultValue = "200000",
        description = "Exits to make (default: ${DEFAULT-VALUE}).")
    int exits;

    @Option(
        names = "--guest",
        paramLabel = "FILE",
        required = true,
        description = "The portio-bench guest image (tests/target/guests/portio-bench.bin).")
    Path guest;

    @Override
    public Integer call() throws Exception {
      if (exits < 2) {
        throw new IllegalArgumentException("--exits must be at least 2, not " + exits);
      }
      NullPortDevice sink = new NullPortDevice(BENCH_PORT);
      CapturingSerialBackend console = new CapturingSerialBackend();
      VmResult result;
      try (VirtualMachine vm =
          VirtualMachine.builder()
              .memorySize(32L << 20)
              .com1(console)
              .addDevice(sink)
              .boot(FlatBinaryImage.fromFile(guest).withParameter(exits))
              .build()) {
        result = vm.run();
      }
      if (result.outcome() != VmOutcome.POWERED_OFF || !console.writtenText().contains("DONE")) {
        throw new IllegalStateException(
            "the benchmark guest did not finish: "
                + result
                + "; console: "
                + console.writtenText().strip());
      }
      if (sink.writes() != exits) {
        throw new IllegalStateException(
            "the null device saw " + sink.writes() + " exits, not " + exits);
      }
      System.out.printf(
          Locale.ROOT, "parasol_ns_per_exit=%.1f exits=%d%n", sink.nanosPerWrite(), sink.writes());
      return 0;
    }
  }
}
