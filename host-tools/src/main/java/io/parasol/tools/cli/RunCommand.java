package io.parasol.tools.cli;

import io.parasol.paravisor.boot.BootImage;
import io.parasol.paravisor.boot.FlatBinaryImage;
import io.parasol.paravisor.boot.LinuxBootImage;
import io.parasol.paravisor.chipset.uart.ReattachableSerialBackend;
import io.parasol.paravisor.chipset.uart.SerialBackend;
import io.parasol.paravisor.vm.VirtualMachine;
import io.parasol.paravisor.vm.VmOutcome;
import io.parasol.paravisor.vm.VmResult;
import io.parasol.tpm.Tpm;
import io.parasol.tpm.crypto.HashAlgorithm;
import io.parasol.tpm.server.TpmService;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code parasol run}: boots a guest on KVM with the PC chipset and runs it to its end. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Boot a guest on KVM with Parasol's PC chipset and run it until it powers off:",
      "a Linux kernel (--kernel, --initrd, --cmdline) or a flat test guest (--flat).",
      "The guest's COM1 is on standard output unless --serial says otherwise; Ctrl-C stops the VM.",
    },
    footer = {
      "",
      "Exit codes: 0 powered off, 10 reset (with --no-reboot), 11 triple fault,",
      "12 internal error, 13 stopped by the host, 1 the VM could not start, 2 bad usage.",
      "",
      "The guest has a TPM 2.0 (CRB at 0xFED40000, ACPI TPM2 table) into which Parasol measures",
      "what it boots, with the event log the TPM2 table points at. With --tpm-state DIR its sealed",
      "state is kept in DIR across guest reboots and Parasol restarts; without, it is ephemeral",
      "and forgets everything when Parasol ends; --tpm none leaves it out."
    })
final class RunCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

  // What to boot: a Linux kernel (with its initrd and command line), a flat test-guest binary or
  // an IGVM file, exactly one (checked by payload()). Plain options rather than picocli argument
  // groups: a group's model and synopsis cost more start-up than all the other options together.
  @Option(
      names = "--kernel",
      paramLabel = "FILE",
      description =
          "A Linux bzImage (x86 boot protocol 2.12 or later), booted at its 64-bit entry.")
  Path kernel;

  @Option(
      names = "--initrd",
      paramLabel = "FILE",
      description = "An initial RAM disk for the kernel.")
  Path initrd;

  @Option(
      names = "--cmdline",
      paramLabel = "STR",
      defaultValue = "console=ttyS0",
      description = "The kernel command line (default: ${DEFAULT-VALUE}).")
  String cmdline;

  @Option(
      names = "--flat",
      paramLabel = "FILE",
      description =
          "A flat binary loaded at 1 MiB and entered in 32-bit protected mode (Parasol's test guests).")
  Path flatImage;

  @Option(
      names = "--igvm",
      paramLabel = "FILE",
      description = "An IGVM file, booted on its NATIVE platform (see --igvm-cmdline).")
  Path igvm;

  @Option(
      names = "--flat-parameter",
      paramLabel = "N",
      description = "A 32-bit value handed to a test guest through its header (default: none).")
  int flatParameter;

  @Option(
      names = {"-m", "--memory"},
      paramLabel = "SIZE",
      defaultValue = "256M",
      converter = SizeConverter.class,
      description = "Guest RAM, e.g. 512M or 2G (default: ${DEFAULT-VALUE}).")
  long memoryBytes;

  @Option(
      names = "--cpus",
      paramLabel = "N",
      defaultValue = "1",
      description = "Number of vCPUs (default: ${DEFAULT-VALUE}).")
  int cpus;

  @Option(
      names = "--serial",
      paramLabel = "WHERE",
      defaultValue = "stdio",
      converter = SerialOptionConverter.class,
      description = SerialOption.HELP + " Default: ${DEFAULT-VALUE}.")
  SerialOption serial;

  @Option(
      names = "--no-reboot",
      description = "End with exit code 10 when the guest resets, instead of booting it again.")
  boolean noReboot;

  @Option(
      names = "--tpm-state",
      paramLabel = "DIR",
      description =
          "Give the guest a vTPM whose sealed state lives in DIR (created if missing; the key file"
              + " is DIR.key next to it), kept across reboots and restarts.")
  Path tpmState;

  @Option(
      names = "--tpm",
      paramLabel = "ephemeral|none",
      description =
          "'ephemeral' (the default without --tpm-state): a vTPM that keeps nothing after Parasol"
              + " ends; 'none': no TPM.")
  String tpmMode;

  @Option(
      names = "--igvm-cmdline",
      paramLabel = "STR",
      defaultValue = "",
      description = "The command line an IGVM file's COMMAND_LINE parameters receive.")
  String igvmCmdline;

  @Option(
      names = "--disk",
      paramLabel = "FILE[,ro][,queues=N]|vhost-user:SOCKET[,ro]",
      description =
          "Give the guest a virtio-blk disk (see --virtio-transport) backed by the raw image FILE,"
              + " or by the vhost-user-blk back end (e.g. qemu-storage-daemon) listening on the Unix"
              + " socket SOCKET with vhost-user:SOCKET; ',ro' makes it read-only, ',queues=N'"
              + " gives an image disk N request queues (1-16, default 1; Linux uses one per vCPU)."
              + " Repeatable.")
  List<String> disks = new java.util.ArrayList<>();

  @Option(
      names = "--net",
      paramLabel = "tap:NAME[,mac=MAC]",
      description =
          "Give the guest a virtio-net NIC (virtio-pci) on the host's TAP interface NAME: attached"
              + " when NAME exists in Parasol's network namespace (e.g. made by 'ip tuntap add"
              + " NAME mode tap'), created otherwise (and gone when Parasol ends); the host side"
              + " is the host's to address and bring up. Checksum and TSO offloads and mergeable"
              + " receive buffers are negotiated as the TAP supports them. Default MAC"
              + " 52:54:00:12:34:56 (+1 per NIC). Needs CAP_NET_ADMIN. Repeatable.")
  List<String> nets = new java.util.ArrayList<>();

  @Option(
      names = "--vconsole",
      paramLabel = "file:PATH|unix:PATH",
      converter = SerialOptionConverter.class,
      description =
          "Give the guest a virtio console (virtio-pci; /dev/hvc0 in Linux) whose output is"
              + " appended to the file PATH, or served on the Unix socket PATH Parasol listens on"
              + " (one client at a time; its input goes to the guest).")
  SerialOption vconsole;

  @Option(
      names = "--vsock",
      paramLabel = "cid=CID,uds=PATH",
      description =
          "Give the guest an emulated virtio-vsock device (virtio-pci) with context ID CID, its"
              + " host side on Unix sockets as Firecracker's: the guest's connections to host"
              + " (CID 2) port P go to the socket PATH_P; a host program reaches guest port P by"
              + " connecting to PATH and writing 'CONNECT P\\n' (the answer is 'OK HOSTPORT\\n').")
  String vsock;

  @Option(names = "--rng", description = "Give the guest a virtio-rng entropy device.")
  boolean rng;

  @Option(
      names = "--bounce",
      description =
          "Confidential I/O: stage every --disk request in a bounce buffer (a memfd of its own)"
              + " so the image file is read and written only through that region, never guest"
              + " RAM; each --net NIC's frames likewise go through a memfd of its own.")
  boolean bounce;

  @Option(
      names = "--virtio-transport",
      paramLabel = "pci|mmio",
      defaultValue = "pci",
      description =
          "How the guest finds the virtio devices: 'pci' (virtio-pci functions, default) or"
              + " 'mmio' (virtio-mmio Version 2 devices declared in the ACPI DSDT as LNRO0005;"
              + " the guest needs the virtio_mmio driver).")
  String virtioTransport;

  @Option(
      names = "--packed-rings",
      description =
          "Offer packed virtqueues (VIRTIO_F_RING_PACKED) as well as split ones. Off by default,"
              + " as in QEMU: Linux's split-ring driver costs the guest less CPU per request.")
  boolean packedRings;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  /** The --virtio-transport value. */
  private io.parasol.paravisor.virtio.VirtioTransport transport() {
    return switch (virtioTransport) {
      case "pci" -> io.parasol.paravisor.virtio.VirtioTransport.PCI;
      case "mmio" -> io.parasol.paravisor.virtio.VirtioTransport.MMIO;
      default ->
          throw new picocli.CommandLine.ParameterException(
              spec.commandLine(),
              "--virtio-transport takes 'pci' or 'mmio', not '" + virtioTransport + "'");
    };
  }

  @Override
  public Integer call() throws Exception {
    if (cpus < 1 || cpus > 255) {
      throw new IllegalArgumentException("--cpus must be between 1 and 255, not " + cpus);
    }
    TpmService.Builder tpmBuilder = tpmBuilder();
    io.parasol.paravisor.virtio.VirtioTransport transport = transport();
    List<VirtioDevices.DiskOption> diskOptions = new java.util.ArrayList<>();
    for (String d : disks) {
      try {
        diskOptions.add(VirtioDevices.DiskOption.parse(d));
      } catch (IllegalArgumentException e) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
      }
    }
    if (vconsole != null && (vconsole.isStdio() || vconsole.spec().equals("none"))) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(),
          "--vconsole takes file:PATH or unix:PATH, not '" + vconsole.spec() + "'");
    }
    VsockOption vsockOption = null;
    if (vsock != null) {
      try {
        vsockOption = VsockOption.parse(vsock);
      } catch (IllegalArgumentException e) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
      }
    }
    List<NetOption> netOptions = new java.util.ArrayList<>();
    for (String n : nets) {
      try {
        netOptions.add(NetOption.parse(n));
      } catch (IllegalArgumentException e) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
      }
    }
    BootImage image = payload();
    TpmService tpm = null;
    if (tpmBuilder != null) {
      // A TpmStateException (rolled back, corrupt, wrong key, in use) ends the command with its
      // one sentence and exit code 1, as any failure to start the VM does.
      tpm = tpmBuilder.start();
      if (tpm.ephemeral()) {
        System.err.println(
            "parasol: the guest's vTPM is ephemeral: its keys and NV data end with this run");
      }
    }
    AtomicReference<VirtualMachine> current = new AtomicReference<>();
    installInterruptHandler(current);
    VmResult result;
    try (TpmService vtpm = tpm;
        VirtioDevices virtio = VirtioDevices.open(diskOptions, rng, bounce);
        RawTerminal terminal =
            serial.isStdio() ? RawTerminal.enterIfTerminal() : RawTerminal.notATerminal();
        SerialBackend hostSide = serial.open(terminal.isRaw() ? escapes(current) : null)) {
      for (int i = 0; i < netOptions.size(); i++) {
        virtio.addNet(netOptions.get(i), i, bounce);
        if (netOptions.get(i).tapName().isEmpty()) {
          System.err.println(
              "parasol: the guest's NIC " + i + " is on TAP " + virtio.tapNames().get(i));
        }
      }
      if (vconsole != null) {
        virtio.addConsole(vconsole);
      }
      if (vsockOption != null) {
        virtio.addVsock(vsockOption);
      }
      if (terminal.isRaw()) {
        System.err.print("parasol: the guest's console is this terminal; Ctrl-A x quits\r\n");
      }
      result = runUntilEnd(image, hostSide, current, vtpm, virtio, transport);
      if (vtpm != null && vtpm.saveFailure().isPresent()) {
        System.err.println("parasol: " + Main.sentence(vtpm.saveFailure().get()));
      }
    }
    report(result);
    return result.outcome().exitCode();
  }

  /** The vTPM the options ask for, or null for none. */
  private TpmService.Builder tpmBuilder() {
    if (tpmMode != null && !tpmMode.equals("ephemeral") && !tpmMode.equals("none")) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(),
          "--tpm takes 'ephemeral' or 'none', not '"
              + tpmMode
              + "' (for a persistent vTPM: --tpm-state DIR)");
    }
    if (tpmMode != null && tpmState != null) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "give either --tpm-state DIR or --tpm " + tpmMode + ", not both");
    }
    if ("none".equals(tpmMode)) {
      return null;
    }
    if (tpmState != null) {
      try {
        return TpmService.builder()
            .engine(RunCommand::vmTpm)
            .stateDirectory(tpmState)
            .keyFile(TpmService.defaultKeyFile(tpmState));
      } catch (IllegalArgumentException e) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
      }
    }
    return TpmService.builder().engine(RunCommand::vmTpm).ephemeral();
  }

  /**
   * A VM's new vTPM allocates the SHA-256 and SHA-384 banks: the crypto-agile log's, without the
   * SHA-1 bank PC Client platforms are dropping (a state made by {@code tpm serve} keeps its own).
   */
  private static Tpm.Builder vmTpm() {
    return Tpm.builder().pcrBanks(List.of(HashAlgorithm.SHA256, HashAlgorithm.SHA384));
  }

  /** The one payload the command line names, or a usage error. */
  private BootImage payload() throws java.io.IOException, io.parasol.paravisor.boot.BootException {
    int named = (kernel != null ? 1 : 0) + (flatImage != null ? 1 : 0) + (igvm != null ? 1 : 0);
    if (named != 1) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(),
          named == 0
              ? "Missing the guest: give --kernel FILE (with --initrd, --cmdline), --flat FILE or"
                  + " --igvm FILE"
              : "--kernel, --flat and --igvm are mutually exclusive: give one");
    }
    var parsed = spec.commandLine().getParseResult();
    if (kernel == null && (initrd != null || parsed.hasMatchedOption("--cmdline"))) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--initrd and --cmdline go with --kernel");
    }
    if (igvm != null) {
      return io.parasol.paravisor.boot.IgvmBootImage.fromFile(igvm, igvmCmdline);
    }
    if (flatImage != null) {
      return FlatBinaryImage.fromFile(flatImage).withParameter(flatParameter);
    }
    return LinuxBootImage.fromFiles(kernel, initrd, cmdline);
  }

  /** Ctrl-A x on the console stops whichever VM is running, as SIGINT does without raw mode. */
  private static ConsoleEscape.Factory escapes(AtomicReference<VirtualMachine> current) {
    return in ->
        new ConsoleEscape(
            in,
            () -> {
              VirtualMachine vm = current.get();
              if (vm != null) {
                vm.lifecycle().stop("Ctrl-A x on the console");
              }
            },
            System.err);
  }

  /** Boots the guest, and again after each reset unless --no-reboot, until it ends otherwise. */
  private VmResult runUntilEnd(
      BootImage image,
      SerialBackend hostSide,
      AtomicReference<VirtualMachine> current,
      TpmService tpm,
      VirtioDevices virtio,
      io.parasol.paravisor.virtio.VirtioTransport transport)
      throws Exception {
    // One host-side back end for every boot: a reboot makes new devices, not a new console.
    SerialBackend com1 = hostSide == null ? null : new ReattachableSerialBackend(hostSide);
    byte[] cmosRam = null;
    while (true) {
      VmResult result;
      VirtualMachine.Builder builder =
          VirtualMachine.builder().memorySize(memoryBytes).vcpus(cpus).com1(com1).boot(image);
      if (cmosRam != null) {
        builder.cmosRam(cmosRam);
      }
      virtio.addTo(builder);
      builder.virtioTransport(transport).packedRings(packedRings);
      if (tpm != null) {
        // The same TPM for every boot; building the VM power cycles it, as a reset does.
        builder.tpm(tpm.tpm(), tpm.tpm());
      }
      try (VirtualMachine vm = builder.build()) {
        current.set(vm);
        result = vm.run();
        current.set(null);
        cmosRam = vm.chipset().cmosRam();
      }
      if (result.outcome() == VmOutcome.RESET && !noReboot) {
        LOG.info("the guest reset the machine ({}); booting it again", result.source());
        continue;
      }
      return result;
    }
  }

  private static void report(VmResult result) {
    switch (result.outcome()) {
      case POWERED_OFF -> LOG.info("{}", result);
      case STOPPED, RESET ->
          System.err.println(
              "parasol: " + result.outcome().description() + " (" + result.source() + ")");
      case TRIPLE_FAULT, INTERNAL_ERROR -> System.err.println("parasol: " + result);
    }
  }

  /** Ctrl-C ends the run as STOPPED rather than killing the process mid-exit. */
  private static void installInterruptHandler(AtomicReference<VirtualMachine> current) {
    try {
      sun.misc.Signal.handle(
          new sun.misc.Signal("INT"),
          signal -> {
            VirtualMachine vm = current.get();
            if (vm != null) {
              vm.lifecycle().stop("SIGINT");
            } else {
              System.exit(VmOutcome.STOPPED.exitCode());
            }
          });
    } catch (IllegalArgumentException e) {
      LOG.debug("cannot handle SIGINT here: {}", e.getMessage());
    }
  }

  /** picocli converter for {@link SerialOption}. */
  static final class SerialOptionConverter
      implements picocli.CommandLine.ITypeConverter<SerialOption> {
    @Override
    public SerialOption convert(String value) {
      return new SerialOption(value);
    }
  }
}
