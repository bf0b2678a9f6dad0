package io.parasol.backend.tap;

import io.parasol.backend.sys.ErrnoException;
import io.parasol.backend.sys.LinuxCalls;
import io.parasol.virtio.net.NetBackend;
import io.parasol.virtio.net.NetHeader;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * A TAP interface opened through /dev/net/tun with IFF_TAP | IFF_NO_PI | IFF_VNET_HDR and a 12-byte
 * header, so each read and write is one virtio-net header plus one Ethernet frame (the kernel's
 * layout is the virtio 1.x one on a little-endian host). The kernel accepts checksum and TSO
 * offloads from us always; which it hands us is set by {@link #setReceiveOffloads}.
 */
public final class TapDevice implements NetBackend {
  // <linux/if_tun.h>: _IOW('T', nr, int)
  static final long TUNSETIFF = 0x400454caL;
  static final long TUNSETOFFLOAD = 0x400454d0L;
  static final long TUNSETVNETHDRSZ = 0x400454d8L;
  static final short IFF_TAP = 0x0002;
  static final short IFF_NO_PI = 0x1000;
  static final short IFF_VNET_HDR = 0x4000;
  static final int IFNAMSIZ = 16;
  static final int IFREQ_BYTES = 40;

  private final int fd;
  private final String name;
  private volatile boolean closed;

  private TapDevice(int fd, String name) {
    this.fd = fd;
    this.name = name;
  }

  /**
   * Creates (or attaches to) TAP interface {@code requestedName}; an empty name lets the kernel
   * pick ({@code tap%d}).
   *
   * @throws IOException naming the step and errno (EPERM without CAP_NET_ADMIN)
   */
  public static TapDevice open(String requestedName) throws IOException {
    byte[] nameBytes = requestedName.getBytes(StandardCharsets.US_ASCII);
    if (nameBytes.length >= IFNAMSIZ) {
      throw new IllegalArgumentException("interface name '" + requestedName + "' is too long");
    }
    int fd = LinuxCalls.open("/dev/net/tun", LinuxCalls.O_RDWR);
    try (Arena arena = Arena.ofConfined()) {
      // struct ifreq { char ifr_name[16]; union { short ifr_flags; ... } } (40 bytes)
      MemorySegment ifr = arena.allocate(IFREQ_BYTES, 8);
      MemorySegment.copy(MemorySegment.ofArray(nameBytes), 0, ifr, 0, nameBytes.length);
      ifr.set(ValueLayout.JAVA_SHORT, IFNAMSIZ, (short) (IFF_TAP | IFF_NO_PI | IFF_VNET_HDR));
      LinuxCalls.ioctl(fd, TUNSETIFF, ifr, "TUNSETIFF");
      String name = ifr.getString(0, StandardCharsets.US_ASCII);
      MemorySegment size = arena.allocate(ValueLayout.JAVA_INT);
      size.set(ValueLayout.JAVA_INT, 0, NetHeader.BYTES);
      LinuxCalls.ioctl(fd, TUNSETVNETHDRSZ, size, "TUNSETVNETHDRSZ");
      LinuxCalls.ioctl(fd, TUNSETOFFLOAD, 0L, "TUNSETOFFLOAD");
      return new TapDevice(fd, name);
    } catch (ErrnoException | RuntimeException e) {
      LinuxCalls.close(fd);
      throw e;
    }
  }

  /** The interface name the kernel gave. */
  public String name() {
    return name;
  }

  @Override
  public int supportedOffloads() {
    return OFFLOAD_CSUM | OFFLOAD_TSO4 | OFFLOAD_TSO6;
  }

  @Override
  public void setReceiveOffloads(int offloads) throws IOException {
    // TUN_F_CSUM / TUN_F_TSO4 / TUN_F_TSO6 have the OFFLOAD_* values.
    LinuxCalls.ioctl(fd, TUNSETOFFLOAD, (long) (offloads & supportedOffloads()), "TUNSETOFFLOAD");
  }

  @Override
  public void send(MemorySegment headerAndFrame) throws IOException {
    long n = LinuxCalls.write(fd, headerAndFrame);
    if (n != headerAndFrame.byteSize()) {
      throw new IOException(
          "TAP " + name + " took " + n + " of " + headerAndFrame.byteSize() + " bytes");
    }
  }

  @Override
  public int receive(MemorySegment dst, int timeoutMillis) throws IOException {
    if (closed || !LinuxCalls.pollIn(fd, timeoutMillis)) {
      return 0;
    }
    return (int) LinuxCalls.read(fd, dst);
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      LinuxCalls.close(fd);
    }
  }
}
