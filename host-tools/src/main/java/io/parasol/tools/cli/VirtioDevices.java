package io.parasol.tools.cli;

import io.parasol.backend.file.RawImageFile;
import io.parasol.backend.tap.TapDevice;
import io.parasol.backend.vhostuser.VhostUserBlockBackend;
import io.parasol.backend.vsock.UnixSocketVsockHost;
import io.parasol.bounce.BounceBuffer;
import io.parasol.bounce.HostBufferPool;
import io.parasol.paravisor.chipset.uart.SerialBackend;
import io.parasol.paravisor.chipset.uart.SerialReceiver;
import io.parasol.paravisor.vm.VirtualMachine;
import io.parasol.virtio.blk.VirtioBlk;
import io.parasol.virtio.console.VirtioConsole;
import io.parasol.virtio.device.VirtioDevice;
import io.parasol.virtio.net.VirtioNet;
import io.parasol.virtio.rng.VirtioRng;
import io.parasol.virtio.vsock.VirtioVsock;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The virtio devices {@code parasol run} gives the guest ({@code --disk FILE[,ro]}, {@code --disk
 * vhost-user:SOCKET[,ro]}, {@code --rng}): made once, handed to every VM a reboot builds, closed
 * when the run ends. With {@code --bounce} each disk's request buffers come from a {@link
 * BounceBuffer} (a memfd of its own, the shared region a confidential VM's I/O goes through)
 * instead of guest RAM: the image file's reads and writes then only ever touch that region; without
 * it they go straight to and from the guest's buffers (no copy).
 */
final class VirtioDevices implements AutoCloseable {
  /**
   * I/O threads per raw image file. Where CPUs are few (the lab's L1 has one, this machine two),
   * none: the queue's I/O thread (woken by its ioeventfd) does each read and write itself, which
   * saves two thread hand-offs per request, and a pool adds no parallelism. With more CPUs, four,
   * so that a fast disk sees several requests at once (the vCPUs keep queueing meanwhile).
   */
  private static final int IMAGE_THREADS = Runtime.getRuntime().availableProcessors() > 2 ? 4 : 0;

  /**
   * With {@code --bounce} on two CPUs, reads and writes of {@value} bytes or more go to two I/O
   * threads: each is followed by a copy through the bounce region, and two such requests side by
   * side beat one after the other (on this host `parasol vhost-user blk --bounce`, 1 MiB reads: 4.3
   * GiB/s inline, 6.1 GiB/s so). Smaller ones stay on the queue's thread, where 4 KiB random reads
   * lose a third of their rate to hand-offs.
   */
  private static final long BOUNCE_INLINE_BELOW = 256 * 1024;

  /** Opens a disk image with the I/O threads above; {@code threads} overrides them (all go). */
  static RawImageFile openImage(Path file, boolean readOnly, boolean bounce, Integer threads)
      throws IOException {
    if (threads != null) {
      return RawImageFile.open(file, readOnly, threads);
    }
    if (bounce && Runtime.getRuntime().availableProcessors() == 2) {
      return RawImageFile.open(file, readOnly, 2, BOUNCE_INLINE_BELOW);
    }
    return RawImageFile.open(file, readOnly, IMAGE_THREADS);
  }

  /** Descriptors per virtio-blk queue (and per vhost-user ring). */
  private static final int QUEUE_SIZE = 256;

  private final List<VirtioDevice> devices = new ArrayList<>();
  private final List<AutoCloseable> owned = new ArrayList<>();
  private final List<HostBufferPool> diskPools = new ArrayList<>();
  private final List<BounceBuffer> bounceBuffers = new ArrayList<>();
  private final List<String> tapNames = new ArrayList<>();

  /**
   * A {@code --disk} value: {@code FILE}, {@code FILE,ro}, or {@code vhost-user:SOCKET[,ro]} (a
   * vhost-user-blk back end such as qemu-storage-daemon listening on the Unix socket SOCKET).
   */
  record DiskOption(Path file, boolean readOnly, boolean vhostUser, int queues) {
    static final String VHOST_USER = "vhost-user:";

    /** The most request queues (VIRTIO_BLK_F_MQ) one disk gets. */
    static final int MAX_QUEUES = 16;

    /** FILE[,ro][,queues=N] or vhost-user:SOCKET[,ro]. */
    static DiskOption parse(String value) {
      String[] parts = value.split(",", -1);
      String file = parts[0];
      boolean vhost = file.startsWith(VHOST_USER);
      if (vhost) {
        file = file.substring(VHOST_USER.length());
      }
      boolean ro = false;
      int queues = 1;
      boolean ok = !file.isEmpty();
      for (int i = 1; i < parts.length && ok; i++) {
        if (parts[i].equals("ro") && !ro) {
          ro = true;
        } else if (parts[i].startsWith("queues=") && !vhost && queues == 1) {
          try {
            queues = Integer.parseInt(parts[i].substring("queues=".length()));
          } catch (NumberFormatException e) {
            queues = 0;
          }
          ok = queues >= 1 && queues <= MAX_QUEUES;
        } else {
          ok = false;
        }
      }
      if (!ok) {
        throw new IllegalArgumentException(
            "--disk takes FILE[,ro][,queues=N] (N from 1 to "
                + MAX_QUEUES
                + ") or vhost-user:SOCKET[,ro], not '"
                + value
                + "'");
      }
      return new DiskOption(Main.path(file), ro, vhost, queues);
    }
  }

  /**
   * Opens every disk (virtio-blk over a raw image file, serials parasol0, parasol1…) and adds an
   * entropy device if {@code rng}; {@code bounce} stages every disk's I/O through a bounce buffer.
   *
   * @throws IOException naming the file when one cannot be opened
   */
  static VirtioDevices open(List<DiskOption> disks, boolean rng, boolean bounce)
      throws IOException {
    VirtioDevices out = new VirtioDevices();
    try {
      for (DiskOption disk : disks) {
        if (disk.vhostUser()) {
          out.addVhostUserDisk(disk);
        } else {
          out.addImageDisk(disk, bounce);
        }
      }
      if (rng) {
        out.devices.add(new VirtioRng());
      }
      return out;
    } catch (IOException | RuntimeException e) {
      out.close();
      throw e;
    }
  }

  private VirtioBlk.Options optionsFor(boolean readOnly, int queues) {
    return new VirtioBlk.Options("parasol" + devices.size(), queues, QUEUE_SIZE, readOnly);
  }

  /** virtio-blk over a raw image file, staged in a private pool or a bounce buffer. */
  private void addImageDisk(DiskOption disk, boolean bounce) throws IOException {
    if (!Files.isRegularFile(disk.file())) {
      throw new IOException("the disk image " + disk.file() + " is not a regular file");
    }
    RawImageFile image = openImage(disk.file(), disk.readOnly(), bounce, null);
    HostBufferPool pool = null;
    BounceBuffer bounceBuffer = null;
    try {
      if (image.sizeBytes() % 512 != 0 || image.sizeBytes() == 0) {
        throw new IOException(
            "the disk image " + disk.file() + " is not a whole number of 512-byte sectors");
      }
      VirtioBlk.Options options = optionsFor(disk.readOnly(), disk.queues());
      long poolBytes = VirtioBlk.poolBytesFor(options);
      if (bounce) {
        bounceBuffer = BounceBuffer.create(options.serial(), poolBytes);
        pool = bounceBuffer.pool();
      } else {
        pool = HostBufferPool.ofPrivateMemory(poolBytes);
      }
      VirtioBlk blk = new VirtioBlk(image, pool, options, !bounce);
      owned.add(blk); // closes its image
      owned.add(bounceBuffer != null ? bounceBuffer : pool);
      devices.add(blk);
      diskPools.add(pool);
      if (bounceBuffer != null) {
        bounceBuffers.add(bounceBuffer);
      }
    } catch (IOException | RuntimeException e) {
      image.close();
      if (bounceBuffer != null) {
        bounceBuffer.close();
      } else if (pool != null) {
        pool.close();
      }
      throw e;
    }
  }

  /**
   * virtio-blk on a vhost-user-blk back end: Parasol is the front end, and the back end maps only
   * the client's bounce region (ring, request headers and data), never guest RAM.
   */
  private void addVhostUserDisk(DiskOption disk) throws IOException {
    if (!Files.exists(disk.file())) {
      throw new IOException("no vhost-user back end listens at " + disk.file());
    }
    VhostUserBlockBackend backend;
    VirtioBlk.Options options = optionsFor(disk.readOnly(), 1);
    try {
      backend =
          VhostUserBlockBackend.connect(disk.file(), QUEUE_SIZE, VirtioBlk.poolBytesFor(options));
    } catch (IOException e) {
      throw new IOException(
          "the vhost-user back end at " + disk.file() + ": " + Main.sentence(e), e);
    }
    try {
      if (backend.sizeBytes() % 512 != 0 || backend.sizeBytes() == 0) {
        throw new IOException(
            "the vhost-user disk at " + disk.file() + " is not a whole number of 512-byte sectors");
      }
      options = optionsFor(disk.readOnly() || backend.isReadOnly(), 1);
      VirtioBlk blk = new VirtioBlk(backend, backend.pool(), options);
      owned.add(blk); // closes the back end, its socket and its region
      devices.add(blk);
      diskPools.add(backend.pool());
    } catch (IOException | RuntimeException e) {
      backend.close();
      throw e;
    }
  }

  /**
   * Adds a virtio-net NIC (the next one: {@code index} NICs came before it) on the TAP interface
   * {@code net} names, attached if it exists in Parasol's network namespace and created otherwise.
   * Frames pass only through the NIC's own pool (a bounce buffer with {@code bounce}), never guest
   * RAM; the offloads the guest is offered are those the TAP takes.
   *
   * @throws IOException naming the interface when the TAP cannot be opened (EPERM: no
   *     CAP_NET_ADMIN; EBUSY: another process holds it)
   */
  void addNet(NetOption net, int index, boolean bounce) throws IOException {
    TapDevice tap;
    try {
      tap = TapDevice.open(net.tapName());
    } catch (IOException e) {
      throw new IOException(
          "the TAP interface '" + net.tapName() + "' cannot be opened: " + Main.sentence(e), e);
    }
    HostBufferPool pool = null;
    BounceBuffer bounceBuffer = null;
    try {
      if (bounce) {
        bounceBuffer = BounceBuffer.create("net-" + tap.name(), VirtioNet.poolBytes());
        pool = bounceBuffer.pool();
      } else {
        pool = HostBufferPool.ofPrivateMemory(VirtioNet.poolBytes());
      }
      VirtioNet nic = new VirtioNet(tap, net.macFor(index), pool);
      owned.add(nic); // closes the TAP
      owned.add(bounceBuffer != null ? bounceBuffer : pool);
      devices.add(nic);
      tapNames.add(tap.name());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      tap.close();
      closePool(pool, bounceBuffer);
      throw new IOException("interrupted while setting up the NIC on " + tap.name(), e);
    } catch (IOException | RuntimeException e) {
      tap.close();
      closePool(pool, bounceBuffer);
      throw e;
    }
  }

  private static void closePool(HostBufferPool pool, BounceBuffer bounceBuffer) {
    if (bounceBuffer != null) {
      bounceBuffer.close();
    } else if (pool != null) {
      pool.close();
    }
  }

  /**
   * Adds a virtio console (one port, {@code /dev/hvc0} in a Linux guest) whose host side is {@code
   * where}: a file the guest's output is appended to, or a Unix socket Parasol listens on, whose
   * client is the console's input and output.
   *
   * @throws IOException when the file or socket cannot be opened
   */
  void addConsole(SerialOption where) throws IOException {
    SerialBackend host = where.open(null);
    if (host == null) {
      return;
    }
    owned.add(host);
    VirtioConsole console =
        new VirtioConsole(
            new OutputStream() {
              @Override
              public void write(int b) {
                host.write((byte) b);
              }
            },
            80,
            25);
    host.connect(
        new SerialReceiver() {
          @Override
          public void receive(byte value) {
            console.receive(new byte[] {value});
          }

          @Override
          public void receiveWhenReady(byte value) {
            receive(value); // the console holds input until the guest posts buffers
          }

          @Override
          public void receiveBreak() {
            // A virtio console has no break condition.
          }
        });
    devices.add(console);
  }

  /**
   * Adds an emulated virtio-vsock device for guest context ID {@code vsock.cid()}, whose host side
   * is Unix sockets: Parasol listens on {@code vsock.uds()} for host-initiated connections ({@code
   * CONNECT <port>\n}), and the guest's connections to host port P go to {@code PATH_P}.
   *
   * @throws IOException when PATH is something other than a (stale) socket, or cannot be bound
   */
  void addVsock(VsockOption vsock) throws IOException {
    Path path = vsock.uds();
    if (Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)
        && !Files.readAttributes(
                path,
                java.nio.file.attribute.BasicFileAttributes.class,
                java.nio.file.LinkOption.NOFOLLOW_LINKS)
            .isOther()) {
      throw new IOException("--vsock: " + path + " exists and is not a socket");
    }
    UnixSocketVsockHost host = new UnixSocketVsockHost(path);
    VirtioVsock device = new VirtioVsock(vsock.cid(), host);
    try {
      host.listen(device);
    } catch (IOException e) {
      device.close();
      throw new IOException("--vsock: cannot listen on " + path + ": " + Main.sentence(e), e);
    }
    owned.add(host); // stops accepting before the device closes its connections
    owned.add(device);
    devices.add(device);
  }

  /** The TAP interface of each NIC, in --net order (the kernel's name when it picked one). */
  List<String> tapNames() {
    return List.copyOf(tapNames);
  }

  /** The devices, in the order the guest finds them. */
  List<VirtioDevice> devices() {
    return List.copyOf(devices);
  }

  /** The pool each disk's requests are staged in, in --disk order. */
  List<HostBufferPool> diskPools() {
    return List.copyOf(diskPools);
  }

  /** The bounce buffers the disks use (empty without {@code --bounce}), in --disk order. */
  List<BounceBuffer> bounceBuffers() {
    return List.copyOf(bounceBuffers);
  }

  /** Adds every device to {@code builder}, in order. */
  void addTo(VirtualMachine.Builder builder) {
    for (VirtioDevice d : devices) {
      builder.virtio(d);
    }
  }

  @Override
  public void close() {
    for (AutoCloseable c : owned) {
      try {
        c.close();
      } catch (Exception e) {
        System.err.println("parasol: closing a virtio device failed: " + Main.sentence(e));
      }
    }
    owned.clear();
  }
}
