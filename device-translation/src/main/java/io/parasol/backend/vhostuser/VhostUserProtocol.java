package io.parasol.backend.vhostuser;

/** Message codes, flags and feature bits of the vhost-user protocol (version 1). */
final class VhostUserProtocol {
  static final int HEADER_BYTES = 12;
  static final int MAX_PAYLOAD = 4096;
  static final int VERSION = 1;
  static final int FLAG_VERSION_MASK = 3;
  static final int FLAG_REPLY = 1 << 2;
  static final int FLAG_NEED_REPLY = 1 << 3;

  static final int GET_FEATURES = 1;
  static final int SET_FEATURES = 2;
  static final int SET_OWNER = 3;
  static final int RESET_OWNER = 4;
  static final int SET_MEM_TABLE = 5;
  static final int SET_LOG_BASE = 6;
  static final int SET_LOG_FD = 7;
  static final int SET_VRING_NUM = 8;
  static final int SET_VRING_ADDR = 9;
  static final int SET_VRING_BASE = 10;
  static final int GET_VRING_BASE = 11;
  static final int SET_VRING_KICK = 12;
  static final int SET_VRING_CALL = 13;
  static final int SET_VRING_ERR = 14;
  static final int GET_PROTOCOL_FEATURES = 15;
  static final int SET_PROTOCOL_FEATURES = 16;
  static final int GET_QUEUE_NUM = 17;
  static final int SET_VRING_ENABLE = 18;
  static final int GET_CONFIG = 24;
  static final int SET_CONFIG = 25;

  /** Virtio feature bit 30: the front end speaks protocol features. */
  static final int F_PROTOCOL_FEATURES = 30;

  static final int PROTOCOL_F_MQ = 0;
  static final int PROTOCOL_F_REPLY_ACK = 3;
  static final int PROTOCOL_F_CONFIG = 9;

  /** SET_VRING_KICK/CALL/ERR: bits 0-7 the queue, bit 8 "no descriptor". */
  static final long VRING_INDEX_MASK = 0xFF;

  static final long VRING_NOFD = 1 << 8;

  /** Most memory regions in SET_MEM_TABLE. */
  static final int MAX_REGIONS = 8;

  private VhostUserProtocol() {}

  static String name(int request) {
    return switch (request) {
      case GET_FEATURES -> "GET_FEATURES";
      case SET_FEATURES -> "SET_FEATURES";
      case SET_OWNER -> "SET_OWNER";
      case RESET_OWNER -> "RESET_OWNER";
      case SET_MEM_TABLE -> "SET_MEM_TABLE";
      case SET_VRING_NUM -> "SET_VRING_NUM";
      case SET_VRING_ADDR -> "SET_VRING_ADDR";
      case SET_VRING_BASE -> "SET_VRING_BASE";
      case GET_VRING_BASE -> "GET_VRING_BASE";
      case SET_VRING_KICK -> "SET_VRING_KICK";
      case SET_VRING_CALL -> "SET_VRING_CALL";
      case SET_VRING_ERR -> "SET_VRING_ERR";
      case GET_PROTOCOL_FEATURES -> "GET_PROTOCOL_FEATURES";
      case SET_PROTOCOL_FEATURES -> "SET_PROTOCOL_FEATURES";
      case GET_QUEUE_NUM -> "GET_QUEUE_NUM";
      case SET_VRING_ENABLE -> "SET_VRING_ENABLE";
      case GET_CONFIG -> "GET_CONFIG";
      case SET_CONFIG -> "SET_CONFIG";
      default -> "request " + request;
    };
  }
}
