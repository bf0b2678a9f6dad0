package io.parasol.tools.cli;

import java.util.HexFormat;

/**
 * A {@code --net} value: {@code tap:NAME[,mac=XX:XX:XX:XX:XX:XX]}, a virtio-net NIC on the host's
 * TAP interface NAME (attached when it exists, in the network namespace Parasol runs in, created
 * otherwise; an empty NAME lets the kernel pick {@code tap%d}). Without {@code mac=} the NIC gets
 * the locally administered 52:54:00:12:34:56, plus its index among the NICs.
 */
record NetOption(String tapName, byte[] mac) {
  static final String TAP = "tap:";
  static final String MAC = "mac=";

  /** Linux's IFNAMSIZ less the terminating NUL. */
  static final int MAX_NAME = 15;

  NetOption {
    mac = mac == null ? null : mac.clone();
  }

  @Override
  public byte[] mac() {
    return mac == null ? null : mac.clone();
  }

  /** The MAC address of NIC number {@code index}: the given one, or the default for the index. */
  byte[] macFor(int index) {
    if (mac != null) {
      return mac.clone();
    }
    return new byte[] {0x52, 0x54, 0x00, 0x12, 0x34, (byte) (0x56 + index)};
  }

  /**
   * Parses {@code tap:NAME[,mac=...]}.
   *
   * @throws IllegalArgumentException naming what is wrong with {@code value}
   */
  static NetOption parse(String value) {
    String usage = "--net takes tap:NAME[,mac=XX:XX:XX:XX:XX:XX], not '" + value + "'";
    if (!value.startsWith(TAP)) {
      throw new IllegalArgumentException(usage);
    }
    String[] parts = value.substring(TAP.length()).split(",", -1);
    String name = parts[0];
    if (name.length() > MAX_NAME
        || !name.chars().allMatch(c -> c > ' ' && c < 0x7f && c != '/' && c != ':')
        || name.equals(".")
        || name.equals("..")) {
      throw new IllegalArgumentException(
          "--net: '"
              + name
              + "' is not a network interface name (at most "
              + MAX_NAME
              + " printable characters, no '/', ':' or spaces)");
    }
    byte[] mac = null;
    for (int i = 1; i < parts.length; i++) {
      if (!parts[i].startsWith(MAC) || mac != null) {
        throw new IllegalArgumentException(usage);
      }
      mac = parseMac(parts[i].substring(MAC.length()));
    }
    return new NetOption(name, mac);
  }

  private static byte[] parseMac(String text) {
    if (!text.matches("[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}")) {
      throw new IllegalArgumentException(
          "--net: '" + text + "' is not a MAC address (six hex bytes, as 52:54:00:12:34:56)");
    }
    byte[] mac = HexFormat.ofDelimiter(":").parseHex(text);
    if ((mac[0] & 1) != 0) {
      throw new IllegalArgumentException(
          "--net: " + text + " is a multicast address; a NIC needs a unicast one");
    }
    if (java.util.Arrays.equals(mac, new byte[6])) {
      throw new IllegalArgumentException("--net: 00:00:00:00:00:00 is not a usable MAC address");
    }
    return mac;
  }
}
