package io.parasol.virtio.device;

/** Device status bits (virtio v1.2 §2.1). */
public final class DeviceStatus {
  public static final int ACKNOWLEDGE = 1;
  public static final int DRIVER = 2;
  public static final int DRIVER_OK = 4;
  public static final int FEATURES_OK = 8;
  public static final int DEVICE_NEEDS_RESET = 0x40;
  public static final int FAILED = 0x80;

  private DeviceStatus() {}
}
