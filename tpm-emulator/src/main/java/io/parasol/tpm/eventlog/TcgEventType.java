package io.parasol.tpm.eventlog;

/**
 * Event types of the TCG PC Client Platform Firmware Profile (§10.4.1) and the UEFI ones of the TCG
 * EFI Platform Specification, with their names as tpm2_eventlog prints them.
 */
public final class TcgEventType {
  private TcgEventType() {}

  public static final int EV_PREBOOT_CERT = 0x0;
  public static final int EV_POST_CODE = 0x1;
  public static final int EV_NO_ACTION = 0x3;
  public static final int EV_SEPARATOR = 0x4;
  public static final int EV_ACTION = 0x5;
  public static final int EV_EVENT_TAG = 0x6;
  public static final int EV_S_CRTM_CONTENTS = 0x7;
  public static final int EV_S_CRTM_VERSION = 0x8;
  public static final int EV_CPU_MICROCODE = 0x9;
  public static final int EV_PLATFORM_CONFIG_FLAGS = 0xA;
  public static final int EV_TABLE_OF_DEVICES = 0xB;
  public static final int EV_COMPACT_HASH = 0xC;
  public static final int EV_IPL = 0xD;
  public static final int EV_IPL_PARTITION_DATA = 0xE;
  public static final int EV_NONHOST_CODE = 0xF;
  public static final int EV_NONHOST_CONFIG = 0x10;
  public static final int EV_NONHOST_INFO = 0x11;
  public static final int EV_OMIT_BOOT_DEVICE_EVENTS = 0x12;
  public static final int EV_EFI_EVENT_BASE = 0x8000_0000;
  public static final int EV_EFI_VARIABLE_DRIVER_CONFIG = 0x8000_0001;
  public static final int EV_EFI_VARIABLE_BOOT = 0x8000_0002;
  public static final int EV_EFI_BOOT_SERVICES_APPLICATION = 0x8000_0003;
  public static final int EV_EFI_BOOT_SERVICES_DRIVER = 0x8000_0004;
  public static final int EV_EFI_RUNTIME_SERVICES_DRIVER = 0x8000_0005;
  public static final int EV_EFI_GPT_EVENT = 0x8000_0006;
  public static final int EV_EFI_ACTION = 0x8000_0007;
  public static final int EV_EFI_PLATFORM_FIRMWARE_BLOB = 0x8000_0008;
  public static final int EV_EFI_HANDOFF_TABLES = 0x8000_0009;
  public static final int EV_EFI_PLATFORM_FIRMWARE_BLOB2 = 0x8000_000A;
  public static final int EV_EFI_HANDOFF_TABLES2 = 0x8000_000B;
  public static final int EV_EFI_VARIABLE_BOOT2 = 0x8000_000C;
  public static final int EV_EFI_HCRTM_EVENT = 0x8000_0010;
  public static final int EV_EFI_VARIABLE_AUTHORITY = 0x8000_00E0;
  public static final int EV_EFI_SPDM_FIRMWARE_BLOB = 0x8000_00E1;
  public static final int EV_EFI_SPDM_FIRMWARE_CONFIG = 0x8000_00E2;

  /** The type's specification name ({@code EV_IPL}), or its number in hex when unknown. */
  public static String name(int type) {
    return switch (type) {
      case EV_PREBOOT_CERT -> "EV_PREBOOT_CERT";
      case EV_POST_CODE -> "EV_POST_CODE";
      case EV_NO_ACTION -> "EV_NO_ACTION";
      case EV_SEPARATOR -> "EV_SEPARATOR";
      case EV_ACTION -> "EV_ACTION";
      case EV_EVENT_TAG -> "EV_EVENT_TAG";
      case EV_S_CRTM_CONTENTS -> "EV_S_CRTM_CONTENTS";
      case EV_S_CRTM_VERSION -> "EV_S_CRTM_VERSION";
      case EV_CPU_MICROCODE -> "EV_CPU_MICROCODE";
      case EV_PLATFORM_CONFIG_FLAGS -> "EV_PLATFORM_CONFIG_FLAGS";
      case EV_TABLE_OF_DEVICES -> "EV_TABLE_OF_DEVICES";
      case EV_COMPACT_HASH -> "EV_COMPACT_HASH";
      case EV_IPL -> "EV_IPL";
      case EV_IPL_PARTITION_DATA -> "EV_IPL_PARTITION_DATA";
      case EV_NONHOST_CODE -> "EV_NONHOST_CODE";
      case EV_NONHOST_CONFIG -> "EV_NONHOST_CONFIG";
      case EV_NONHOST_INFO -> "EV_NONHOST_INFO";
      case EV_OMIT_BOOT_DEVICE_EVENTS -> "EV_OMIT_BOOT_DEVICE_EVENTS";
      case EV_EFI_VARIABLE_DRIVER_CONFIG -> "EV_EFI_VARIABLE_DRIVER_CONFIG";
      case EV_EFI_VARIABLE_BOOT -> "EV_EFI_VARIABLE_BOOT";
      case EV_EFI_BOOT_SERVICES_APPLICATION -> "EV_EFI_BOOT_SERVICES_APPLICATION";
      case EV_EFI_BOOT_SERVICES_DRIVER -> "EV_EFI_BOOT_SERVICES_DRIVER";
      case EV_EFI_RUNTIME_SERVICES_DRIVER -> "EV_EFI_RUNTIME_SERVICES_DRIVER";
      case EV_EFI_GPT_EVENT -> "EV_EFI_GPT_EVENT";
      case EV_EFI_ACTION -> "EV_EFI_ACTION";
      case EV_EFI_PLATFORM_FIRMWARE_BLOB -> "EV_EFI_PLATFORM_FIRMWARE_BLOB";
      case EV_EFI_HANDOFF_TABLES -> "EV_EFI_HANDOFF_TABLES";
      case EV_EFI_PLATFORM_FIRMWARE_BLOB2 -> "EV_EFI_PLATFORM_FIRMWARE_BLOB2";
      case EV_EFI_HANDOFF_TABLES2 -> "EV_EFI_HANDOFF_TABLES2";
      case EV_EFI_VARIABLE_BOOT2 -> "EV_EFI_VARIABLE_BOOT2";
      case EV_EFI_HCRTM_EVENT -> "EV_EFI_HCRTM_EVENT";
      case EV_EFI_VARIABLE_AUTHORITY -> "EV_EFI_VARIABLE_AUTHORITY";
      case EV_EFI_SPDM_FIRMWARE_BLOB -> "EV_EFI_SPDM_FIRMWARE_BLOB";
      case EV_EFI_SPDM_FIRMWARE_CONFIG -> "EV_EFI_SPDM_FIRMWARE_CONFIG";
      default -> String.format("0x%08X", type);
    };
  }
}
