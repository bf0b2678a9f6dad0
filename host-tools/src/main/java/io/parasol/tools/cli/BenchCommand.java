package io.parasol.tools.cli;

import io.parasol.backend.vhostuser.VhostUserBlockBackend;
import io.parasol.paravisor.boot.FlatBinaryImage;
import io.parasol.paravisor.chipset.uart.CapturingSerialBackend;
import io.parasol.paravisor.vm.VirtualMachine;
import io.parasol.paravisor.vm.VmOutcome;
import io.parasol.paravisor.vm.VmResult;
import io.parasol.tools.bench.BlockLoad;
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
    subcommands = {BenchCommand.PortIo.class, BenchCommand.VhostUserBlk.class})
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

  /** A fio-like load on a vhost-user-blk back end, Parasol being the front end. */
  @Command(
      name = "vhost-user-blk",
      mixinStandardHelpOptions = true,
      description = {
        "Connect to the vhost-user-blk back end at --socket (qemu-storage-daemon, `parasol",
        "vhost-user blk`) as its front end, keep --iodepth requests of --bs bytes in flight for",
        "--warmup seconds unmeasured and then --seconds measured, and print",
        "\"BENCH-BLK RW KIB_PER_S IOPS\". The back end sees only the client's own memfd."
      })
  static final class VhostUserBlk implements Callable<Integer> {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(
        names = "--socket",
        paramLabel = "PATH",
        required = true,
        description = "The back end's socket.")
    Path socket;

    @Option(
        names = "--rw",
        paramLabel = "read|write|randread",
        defaultValue = "read",
        converter = PatternConverter.class,
        description = "Sequential reads or writes, or random reads (default: ${DEFAULT-VALUE}).")
    BlockLoad.Pattern pattern;

    @Option(
        names = "--bs",
        paramLabel = "SIZE",
        defaultValue = "1M",
        converter = SizeConverter.class,
        description = "Bytes per request (default: ${DEFAULT-VALUE}).")
    long blockBytes;

    @Option(
        names = "--iodepth",
        paramLabel = "N",
        defaultValue = "8",
        description = "Requests in flight (default: ${DEFAULT-VALUE}).")
    int depth;

    @Option(
        names = "--seconds",
        paramLabel = "S",
        defaultValue = "5",
        description = "Measured seconds (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(
        names = "--warmup",
        paramLabel = "S",
        defaultValue = "2",
        description = "Unmeasured seconds first (default: ${DEFAULT-VALUE}).")
    double warmup;

    @Override
    public Integer call() throws Exception {
      if (blockBytes < 512 || blockBytes > (64 << 20) || blockBytes % 512 != 0) {
        throw new IllegalArgumentException(
            "--bs must be whole sectors between 512 bytes and 64 MiB, not " + blockBytes);
      }
      if (depth < 1 || depth > 128) {
        throw new IllegalArgumentException("--iodepth must be 1 to 128, not " + depth);
      }
      if (!(seconds > 0) || !(warmup >= 0) || seconds > 3600 || warmup > 3600) {
        throw new IllegalArgumentException(
            "--seconds and --warmup must be 0 to 3600 (seconds > 0)");
      }
      long poolBytes = depth * BlockLoad.bytesHeld((int) blockBytes);
      try (VhostUserBlockBackend disk = VhostUserBlockBackend.connect(socket, 256, poolBytes)) {
        BlockLoad.Result r =
            new BlockLoad(disk, disk.pool(), pattern, (int) blockBytes, depth, 0)
                .run((long) (warmup * 1e9), (long) (seconds * 1e9));
        spec.commandLine()
            .getOut()
            .printf(
                Locale.ROOT,
                "BENCH-BLK %s %.0f %.0f%n",
                pattern.name().toLowerCase(Locale.ROOT),
                r.kibPerSecond(),
                r.iops());
      }
      return 0;
    }
  }

  /** {@code read}, {@code write} or {@code randread}. */
  static final class PatternConverter
      implements picocli.CommandLine.ITypeConverter<BlockLoad.Pattern> {
    @Override
    public BlockLoad.Pattern convert(String value) {
      try {
        return BlockLoad.Pattern.valueOf(value.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new picocli.CommandLine.TypeConversionException(
            "expected read, write or randread, not '" + value + "'");
      }
    }
  }
}
