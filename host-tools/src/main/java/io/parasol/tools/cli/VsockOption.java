package io.parasol.tools.cli;

import java.nio.file.Path;

/**
 * A {@code --vsock} value: {@code cid=CID,uds=PATH}, an emulated virtio-vsock device whose guest
 * has context ID CID (3 to 2^32-2) and whose host side is Unix sockets, as Firecracker's hybrid
 * vsock: the guest's connections to the host (CID 2) port P go to {@code PATH_P}; a host program
 * connects to PATH and writes {@code CONNECT <guest port>\n} to reach a guest port.
 */
record VsockOption(long cid, Path uds) {
  static final String USAGE = "--vsock takes cid=CID,uds=PATH";

  /**
   * Parses {@code cid=CID,uds=PATH} (in either order).
   *
   * @throws IllegalArgumentException naming what is wrong with {@code value}
   */
  static VsockOption parse(String value) {
    Long cid = null;
    String uds = null;
    for (String part : value.split(",", -1)) {
      if (part.startsWith("cid=") && cid == null) {
        try {
          cid = Long.parseLong(part.substring(4));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(
              "--vsock: '" + part.substring(4) + "' is not a context ID (a number)");
        }
        if (cid < 3 || cid > 0xFFFF_FFFEL) {
          throw new IllegalArgumentException(
              "--vsock: the guest's context ID must be between 3 and 4294967294, not " + cid);
        }
      } else if (part.startsWith("uds=") && uds == null && part.length() > 4) {
        uds = part.substring(4);
      } else {
        throw new IllegalArgumentException(USAGE + ", not '" + value + "'");
      }
    }
    if (cid == null || uds == null) {
      throw new IllegalArgumentException(USAGE + ", not '" + value + "'");
    }
    return new VsockOption(cid, Main.path(uds));
  }
}
