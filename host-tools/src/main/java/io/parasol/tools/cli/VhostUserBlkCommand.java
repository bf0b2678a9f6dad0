package io.parasol.tools.cli;

import io.parasol.backend.file.RawImageFile;
import io.parasol.backend.vhostuser.VhostUserBackendServer;
import io.parasol.bounce.BounceBuffer;
import io.parasol.bounce.HostBufferPool;
import io.parasol.virtio.blk.VirtioBlk;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code parasol vhost-user blk}: Parasol's virtio-blk over a raw image, served on a vhost-user
 * socket (QEMU: {@code -chardev socket,id=c,path=PATH -device vhost-user-blk-pci,chardev=c} with
 * shared guest memory). It parses options and wires the pieces; the server is {@link
 * VhostUserBackendServer}.
 */
@Command(
    name = "blk",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Serve a raw disk image as virtio-blk to one vhost-user front end at a time.",
      "QEMU: -object memory-backend-memfd,id=mem,size=M,share=on -machine memory-backend=mem",
      "      -chardev socket,id=c,path=PATH -device vhost-user-blk-pci,chardev=c",
      "SIGINT or SIGTERM stop the server (exit code 0)."
    },
    footer = {"", "Exit codes: 0 stopped; 1 could not start (image or socket); 2 bad usage."})
final class VhostUserBlkCommand implements Callable<Integer> {
  static final int EXIT_STOPPED = 0;
  static final int EXIT_CANNOT_START = 1;

  @Option(names = "--socket", paramLabel = "PATH", required = true, description = "The socket.")
  Path socket;

  @Option(names = "--image", paramLabel = "FILE", required = true, description = "A raw image.")
  Path image;

  @Option(names = "--read-only", description = "Offer the disk read-only.")
  boolean readOnly;

  @Option(
      names = "--queues",
      paramLabel = "N",
      defaultValue = "1",
      description = "Request queues (default: ${DEFAULT-VALUE}).")
  int queues;

  @Option(
      names = "--serial",
      paramLabel = "ID",
      defaultValue = "parasol",
      description = "The disk's ID (VIRTIO_BLK_T_GET_ID; default: ${DEFAULT-VALUE}).")
  String serial;

  @Option(
      names = "--bounce",
      description = "Stage data in a separate memfd bounce region, as in confidential mode.")
  boolean bounce;

  @Option(
      names = "--io-threads",
      paramLabel = "N",
      description =
          "Threads doing file I/O (default: none where the host has at most two CPUs, else 4;"
              + " with --bounce on two CPUs, two for requests of 256 KiB and more); 0: each queue's"
              + " kick thread does its requests' I/O itself (no hand-off, one request at a time per"
              + " queue).")
  Integer ioThreads;

  @Option(
      names = "--poll-us",
      paramLabel = "US",
      defaultValue = "32",
      description =
          "Microseconds a queue's thread keeps watching its ring after work before it sleeps"
              + " until the next kick, as QEMU's poll-max-ns (default: ${DEFAULT-VALUE}; 0: never;"
              + " never on a host with one CPU).")
  int pollMicros;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private volatile VhostUserBackendServer server;

  @Override
  public Integer call() throws IOException {
    if (queues < 1 || queues > 64 || ioThreads != null && (ioThreads < 0 || ioThreads > 256)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--queues takes 1-64 and --io-threads 0-256");
    }
    if (pollMicros < 0 || pollMicros > 10_000) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--poll-us takes 0-10000");
    }
    VirtioBlk.Options options = new VirtioBlk.Options(serial, queues, 256, readOnly);
    AutoCloseable poolOwner;
    HostBufferPool pool;
    if (bounce) {
      BounceBuffer b = BounceBuffer.create("blk", VirtioBlk.poolBytesFor(options));
      poolOwner = b;
      pool = b.pool();
    } else {
      pool = HostBufferPool.ofPrivateMemory(VirtioBlk.poolBytesFor(options));
      poolOwner = pool;
    }
    RawImageFile file;
    try {
      file = VirtioDevices.openImage(image, readOnly, bounce, ioThreads);
    } catch (IOException e) {
      close(poolOwner);
      spec.commandLine().getErr().println("parasol: cannot open the image: " + e.getMessage());
      return EXIT_CANNOT_START;
    }
    // The front end shares its guest's memory with us (that is vhost-user): without --bounce the
    // image reads and writes the guest's buffers in place, as qemu-storage-daemon does.
    VirtioBlk blk = new VirtioBlk(file, pool, options, !bounce);
    try {
      server = new VhostUserBackendServer(blk, socket, pollMicros * 1000L);
    } catch (IOException e) {
      blk.close();
      close(poolOwner);
      spec.commandLine().getErr().println("parasol: cannot listen: " + e.getMessage());
      return EXIT_CANNOT_START;
    }
    installStopHandlers();
    spec.commandLine()
        .getOut()
        .printf(
            "parasol: serving %s (%d bytes%s) as vhost-user-blk on %s%n",
            image, file.sizeBytes(), readOnly ? ", read-only" : "", socket);
    try {
      server.serve();
    } finally {
      blk.close();
      close(poolOwner);
    }
    return EXIT_STOPPED;
  }

  /** SIGINT and SIGTERM stop the server, which ends {@link #call} with exit code 0. */
  private void installStopHandlers() {
    for (String name : new String[] {"INT", "TERM"}) {
      try {
        sun.misc.Signal.handle(
            new sun.misc.Signal(name),
            signal -> Thread.ofPlatform().name("vhost-user-stop").start(this::stop));
      } catch (IllegalArgumentException e) {
        // this JVM does not let us handle it: the default (exit) applies
      }
    }
  }

  /** Stops serving (the signal hook, or a test). */
  void stop() {
    VhostUserBackendServer s = server;
    if (s != null) {
      s.close();
    }
  }

  private static void close(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      // nothing more to do at exit
    }
  }
}
