package io.parasol.isolation.attestation.sys;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.parasol.isolation.kvm.sys.ErrnoException;
import io.parasol.isolation.kvm.sys.LibC;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The guest kernel's attestation ioctls, with their numbers and struct layouts from {@code
 * include/uapi/linux/sev-guest.h} and {@code include/uapi/linux/tdx-guest.h}. The calls go through
 * {@link LibC} (errno captured per call); every buffer is allocated here in a confined arena that
 * lives for the call, so the kernel never sees memory Java code could free under it.
 */
public final class GuestAttestationAbi {
  /** {@code _IOWR('S', 0x0, struct snp_guest_request_ioctl)}: 32-byte argument. */
  public static final long SNP_GET_REPORT = ioc(3, 'S', 0x0, 32);

  /** {@code _IOWR('S', 0x2, struct snp_guest_request_ioctl)}. */
  public static final long SNP_GET_EXT_REPORT = ioc(3, 'S', 0x2, 32);

  /** {@code _IOWR('T', 1, struct tdx_report_req)}: 64 bytes of report data + 1024 of TDREPORT. */
  public static final long TDX_CMD_GET_REPORT0 = ioc(3, 'T', 1, 64 + 1024);

  /** struct snp_report_req: user_data[64], vmpl u32, rsvd[28]. */
  static final int SNP_REPORT_REQ_BYTES = 96;

  /** struct snp_ext_report_req: snp_report_req, certs_address u64 @96, certs_len u32 @104. */
  static final int SNP_EXT_REPORT_REQ_BYTES = 112;

  /** struct snp_report_resp: data[4000] holding an MSG_REPORT_RSP. */
  static final int SNP_REPORT_RESP_BYTES = 4000;

  /** MSG_REPORT_RSP: status u32, report_size u32, reserved[24], then the report. */
  static final int MSG_REPORT_RSP_REPORT_OFFSET = 32;

  /** SNP_GUEST_VMM_ERR_INVALID_LEN: the certificate buffer was too small. */
  static final int SNP_GUEST_VMM_ERR_INVALID_LEN = 1;

  private GuestAttestationAbi() {}

  /** Linux's {@code _IOC(dir, type, nr, size)} on x86. */
  static long ioc(int dir, char type, int nr, int size) {
    return ((long) dir << 30) | ((long) size << 16) | ((long) type << 8) | nr;
  }

  /** The result of an SNP request: the report and the certificate table (possibly empty). */
  public record SnpResult(byte[] report, byte[] certificates) {}

  /** An ioctl on the SNP guest device failed; carries the firmware and VMM error words. */
  public static final class SnpRequestException extends Exception {
    private static final long serialVersionUID = 1L;

    SnpRequestException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * SNP_GET_EXT_REPORT on {@code device} (normally /dev/sev-guest) at VMPL {@code vmpl}, with a
   * certificate buffer grown once if the host says it is too small; {@code certBufferBytes} 0 asks
   * for the report alone (SNP_GET_REPORT).
   */
  public static SnpResult snpReport(String device, byte[] userData, int vmpl, int certBufferBytes)
      throws ErrnoException, SnpRequestException {
    int fd = LibC.open(device, LibC.O_RDWR | LibC.O_CLOEXEC, "open " + device);
    try {
      try {
        return snpRequest(fd, userData, vmpl, certBufferBytes);
      } catch (SnpRetry retry) {
        try {
          return snpRequest(fd, userData, vmpl, retry.neededBytes);
        } catch (SnpRetry again) {
          throw new SnpRequestException(
              "SNP_GET_EXT_REPORT still wants a larger certificate buffer after growing it", null);
        }
      }
    } finally {
      LibC.close(fd);
    }
  }

  private static final class SnpRetry extends Exception {
    private static final long serialVersionUID = 1L;
    final int neededBytes;

    SnpRetry(int neededBytes) {
      super(null, null, false, false);
      this.neededBytes = neededBytes;
    }
  }

  private static SnpResult snpRequest(int fd, byte[] userData, int vmpl, int certBytes)
      throws ErrnoException, SnpRequestException, SnpRetry {
    try (Arena arena = Arena.ofConfined()) {
      boolean extended = certBytes > 0;
      MemorySegment req =
          arena.allocate(extended ? SNP_EXT_REPORT_REQ_BYTES : SNP_REPORT_REQ_BYTES, 8);
      MemorySegment.copy(userData, 0, req, JAVA_BYTE, 0, 64);
      req.set(JAVA_INT, 64, vmpl);
      MemorySegment certs = MemorySegment.NULL;
      if (extended) {
        // The kernel wants a page-aligned certificate buffer.
        certs = arena.allocate(certBytes, 4096);
        req.set(JAVA_LONG, 96, certs.address());
        req.set(JAVA_INT, 104, certBytes);
      }
      MemorySegment resp = arena.allocate(SNP_REPORT_RESP_BYTES, 8);
      // struct snp_guest_request_ioctl: msg_version u8 @0, req_data @8, resp_data @16, exitinfo2
      // @24.
      MemorySegment ioctl = arena.allocate(32, 8);
      ioctl.set(JAVA_BYTE, 0, (byte) 1);
      ioctl.set(JAVA_LONG, 8, req.address());
      ioctl.set(JAVA_LONG, 16, resp.address());
      String op = extended ? "SNP_GET_EXT_REPORT" : "SNP_GET_REPORT";
      try {
        LibC.ioctl(fd, extended ? SNP_GET_EXT_REPORT : SNP_GET_REPORT, ioctl, op);
      } catch (ErrnoException e) {
        int fwError = ioctl.get(JAVA_INT, 24);
        int vmmError = ioctl.get(JAVA_INT, 28);
        if (extended && vmmError == SNP_GUEST_VMM_ERR_INVALID_LEN) {
          throw new SnpRetry(req.get(JAVA_INT, 104));
        }
        throw new SnpRequestException(
            e.getMessage()
                + String.format(", firmware error 0x%x, VMM error 0x%x", fwError, vmmError),
            e);
      }
      int status = resp.get(JAVA_INT, 0);
      int size = resp.get(JAVA_INT, 4);
      if (status != 0 || size <= 0 || size > SNP_REPORT_RESP_BYTES - MSG_REPORT_RSP_REPORT_OFFSET) {
        throw new SnpRequestException(
            op + " returned status 0x" + Integer.toHexString(status) + " and size " + size, null);
      }
      byte[] report = resp.asSlice(MSG_REPORT_RSP_REPORT_OFFSET, size).toArray(JAVA_BYTE);
      byte[] table = extended ? certs.toArray(JAVA_BYTE) : new byte[0];
      return new SnpResult(report, table);
    }
  }

  /** TDX_CMD_GET_REPORT0 on {@code device} (normally /dev/tdx_guest): the 1024-byte TDREPORT. */
  public static byte[] tdxReport(String device, byte[] reportData) throws ErrnoException {
    int fd = LibC.open(device, LibC.O_RDWR | LibC.O_CLOEXEC, "open " + device);
    try (Arena arena = Arena.ofConfined()) {
      // struct tdx_report_req: reportdata[64] in, tdreport[1024] out.
      MemorySegment req = arena.allocate(64 + 1024, 8);
      MemorySegment.copy(reportData, 0, req, JAVA_BYTE, 0, 64);
      LibC.ioctl(fd, TDX_CMD_GET_REPORT0, req, "TDX_CMD_GET_REPORT0");
      return req.asSlice(64, 1024).toArray(JAVA_BYTE);
    } finally {
      LibC.close(fd);
    }
  }
}
