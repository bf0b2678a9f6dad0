package io.parasol.paravisor.tpm;

import io.parasol.machine.io.IoData;
import io.parasol.machine.io.IoRegion;
import io.parasol.machine.io.IoStatus;
import io.parasol.machine.io.MmioDevice;
import io.parasol.tpm.Locality;
import io.parasol.tpm.TpmEngine;
import io.parasol.tpm.TpmPlatform;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TPM 2.0 behind the Command Response Buffer (CRB) interface of the TCG PC Client Platform TPM
 * Profile Specification (PTP) for TPM 2.0, its CRB chapter: the registers and the state machine
 * (Idle, Ready, Command Reception, Command Execution, Command Completion), with locality 0 only.
 * One 4 KiB page at {@link #DEFAULT_BASE}, laid out as QEMU's {@code tpm-crb} lays it out, which
 * Linux's {@code tpm_crb} driver is known to bind to:
 *
 * <pre>
 * 0x00 TPM_LOC_STATE_0       tpmRegValidSts(7) activeLocality(4:2) locAssigned(1) tpmEstablished(0)
 * 0x08 TPM_LOC_CTRL_0        (write) resetEstablishmentBit(3) seize(2) relinquish(1) requestAccess(0)
 * 0x0C TPM_LOC_STS_0         beenSeized(1) granted(0)
 * 0x30 TPM_CRB_INTF_ID_0     64-bit: CRB interface, 64-byte transfers, locality 0 only, VID/DID
 * 0x38 TPM_CRB_CTRL_EXT_0    64-bit, reserved, reads 0
 * 0x40 TPM_CRB_CTRL_REQ_0    goIdle(1) cmdReady(0); reads 0: every request completes at once
 * 0x44 TPM_CRB_CTRL_STS_0    tpmIdle(1) tpmSts(0) (fatal error)
 * 0x48 TPM_CRB_CTRL_CANCEL_0 1 asks the running command to stop
 * 0x4C TPM_CRB_CTRL_START_0  1 starts the command; reads 1 until the response is in the buffer
 * 0x50 TPM_CRB_INT_ENABLE_0  kept, but no interrupt is ever raised (none is advertised)
 * 0x54 TPM_CRB_INT_STS_0     reads 0
 * 0x58 TPM_CRB_CTRL_CMD_SIZE_0, 0x5C/0x60 CMD_LADDR/HADDR, 0x64 RSP_SIZE, 0x68 RSP_ADDR (64-bit):
 *                            read-only, all naming the one buffer at 0x80
 * 0x80 TPM_CRB_DATA_BUFFER_0 {@value #DATA_BUFFER_SIZE} bytes shared by command and response
 * </pre>
 *
 * <p>The ACPI {@code TPM2} table names {@link #controlAreaAddress} (base + 0x40) with start method
 * 7 (CRB).
 *
 * <h2>Threads</h2>
 *
 * The bus calls the register methods under this object's monitor. A write of 1 to START copies the
 * command out of the buffer (the guest can change the buffer afterwards without affecting it) and
 * hands it to an executor, so the vCPU returns at once and a long command (RSA key generation)
 * never holds a vCPU; the executor's thread writes the response back under the monitor and clears
 * START. {@link #reset} discards a response still on its way (its generation is stale).
 */
public final class TpmCrb implements MmioDevice, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TpmCrb.class);

  /** Where PC platforms put the TPM (PTP memory map: locality 0's page). */
  public static final long DEFAULT_BASE = 0xFED4_0000L;

  /** One page: locality 0 only. */
  public static final long SIZE = 0x1000;

  /** Offset of the control area (TPM_CRB_CTRL_REQ_0), the address the ACPI TPM2 table gives. */
  public static final int CONTROL_AREA_OFFSET = 0x40;

  /** Offset of the command/response buffer in the page. */
  public static final int DATA_BUFFER_OFFSET = 0x80;

  /** Size of the command/response buffer: the rest of the page. */
  public static final int DATA_BUFFER_SIZE = (int) SIZE - DATA_BUFFER_OFFSET;

  // PTP CRB register offsets (locality 0).
  static final int TPM_LOC_STATE = 0x00;
  static final int TPM_LOC_CTRL = 0x08;
  static final int TPM_LOC_STS = 0x0C;
  static final int TPM_CRB_INTF_ID = 0x30;
  static final int TPM_CRB_CTRL_EXT = 0x38;
  static final int TPM_CRB_CTRL_REQ = 0x40;
  static final int TPM_CRB_CTRL_STS = 0x44;
  static final int TPM_CRB_CTRL_CANCEL = 0x48;
  static final int TPM_CRB_CTRL_START = 0x4C;
  static final int TPM_CRB_INT_ENABLE = 0x50;
  static final int TPM_CRB_INT_STS = 0x54;
  static final int TPM_CRB_CTRL_CMD_SIZE = 0x58;
  static final int TPM_CRB_CTRL_CMD_LADDR = 0x5C;
  static final int TPM_CRB_CTRL_CMD_HADDR = 0x60;
  static final int TPM_CRB_CTRL_RSP_SIZE = 0x64;
  static final int TPM_CRB_CTRL_RSP_ADDR = 0x68;

  static final int LOC_STATE_TPM_ESTABLISHED = 1;
  static final int LOC_STATE_LOC_ASSIGNED = 1 << 1;
  static final int LOC_STATE_REG_VALID_STS = 1 << 7;
  static final int LOC_CTRL_REQUEST_ACCESS = 1;
  static final int LOC_CTRL_RELINQUISH = 1 << 1;
  static final int LOC_STS_GRANTED = 1;
  static final int CTRL_REQ_CMD_READY = 1;
  static final int CTRL_REQ_GO_IDLE = 1 << 1;
  static final int CTRL_STS_TPM_STS = 1;
  static final int CTRL_STS_TPM_IDLE = 1 << 1;
  static final int CTRL_START_INVOKE = 1;
  static final int CTRL_CANCEL_INVOKE = 1;

  /**
   * TPM_CRB_INTF_ID_0 (PTP, Interface Identifier register): InterfaceType 1 (CRB active),
   * InterfaceVersion 1 (CRB), CapLocality 0 (locality 0 only), CapCRBIdleBypass 0 (the driver must
   * ask for Ready), CapDataXferSizeSupport 3 (64 bytes), CapFIFO 0, CapCRB 1, InterfaceSelector 1
   * (CRB), IntfSelLock 1 (no switching to FIFO), RID 0. DEVNOTE: VID 0x1014 and DID 0x0001 are what
   * QEMU's vTPM reports, so guests with quirks keyed on QEMU's vTPM treat this one the same.
   */
  static final long INTF_ID =
      1L | 1L << 4 | 3L << 11 | 1L << 14 | 1L << 17 | 1L << 19 | 0x1014L << 32 | 0x0001L << 48;

  /** TPM_RC_FAILURE (Part 2 §6.6), for a response that cannot be produced or does not fit. */
  private static final int TPM_RC_FAILURE = 0x101;

  private final IoRegion region;
  private final TpmEngine engine;
  private final TpmPlatform platform;
  private final java.util.concurrent.Executor executor;
  private final ExecutorService ownedExecutor;
  private final byte[] buffer = new byte[DATA_BUFFER_SIZE];

  private boolean locAssigned;
  private boolean idle = true;
  private boolean started;
  private boolean cancel;
  private boolean fatal;
  private boolean idleAfterCompletion;
  private int intEnable;
  private long generation;
  private boolean closed;

  /**
   * A CRB at {@link #DEFAULT_BASE} whose commands run on its own platform thread ({@code tpm-crb}).
   */
  public TpmCrb(TpmEngine engine, TpmPlatform platform) {
    this(DEFAULT_BASE, engine, platform, null);
  }

  /**
   * A CRB at {@code base} whose commands run on {@code executor} (tests pass one they step by
   * hand); {@code null} makes a thread of its own, shut down by {@link #close}.
   */
  public TpmCrb(
      long base, TpmEngine engine, TpmPlatform platform, java.util.concurrent.Executor executor) {
    this.region = new IoRegion("tpm-crb", base, SIZE);
    this.engine = Objects.requireNonNull(engine, "engine");
    this.platform = Objects.requireNonNull(platform, "platform");
    if (executor == null) {
      ownedExecutor =
          Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon().name("tpm-crb").factory());
      this.executor = ownedExecutor;
    } else {
      ownedExecutor = null;
      this.executor = executor;
    }
  }

  /** The guest-physical address of the control area, for the ACPI TPM2 table. */
  public long controlAreaAddress() {
    return region.base() + CONTROL_AREA_OFFSET;
  }

  /** The page this CRB decodes. */
  public IoRegion region() {
    return region;
  }

  @Override
  public List<IoRegion> mmioRegions() {
    return List.of(region);
  }

  /**
   * Platform reset, as at each VM start and guest reboot: the interface goes back to Idle with no
   * locality assigned and an empty buffer, a command in flight is forgotten, and the TPM is power
   * cycled ({@code _TPM_Init}), so the guest's driver (Linux's {@code tpm2_auto_startup}) finds a
   * TPM that wants TPM2_Startup.
   */
  public void reset() {
    synchronized (this) {
      generation++;
      locAssigned = false;
      idle = true;
      started = false;
      cancel = false;
      fatal = false;
      idleAfterCompletion = false;
      intEnable = 0;
      Arrays.fill(buffer, (byte) 0);
    }
    // Outside the monitor: a running command holds the TPM's lock until it finishes.
    platform.clearCancel();
    if (platform.isPoweredOn()) {
      platform.powerOff();
    }
    platform.powerOn();
    // As QEMU tells swtpm: the TPM must not announce commands or responses the buffer cannot hold.
    int size = platform.setBufferSize(DATA_BUFFER_SIZE);
    if (size > DATA_BUFFER_SIZE) {
      LOG.warn("the vTPM keeps a {}-byte buffer; the CRB's holds {}", size, DATA_BUFFER_SIZE);
    }
  }

  @Override
  public synchronized IoStatus readMmio(IoRegion r, long offset, IoData data) {
    int bytes = data.size().bytes();
    if (offset < 0 || offset + bytes > SIZE) {
      return IoStatus.INVALID_REGISTER;
    }
    int off = (int) offset;
    if (off >= DATA_BUFFER_OFFSET) {
      data.setValue(bufferValue(off - DATA_BUFFER_OFFSET, bytes));
      return IoStatus.OK;
    }
    if (off + bytes > DATA_BUFFER_OFFSET) {
      return IoStatus.UNALIGNED_ACCESS;
    }
    // Registers are little-endian dwords; any width at any offset reads the bytes it covers
    // (Linux reads RSP_ADDR with memcpy_fromio, which may use any width).
    long value = 0;
    for (int i = 0; i < bytes; i++) {
      int at = off + i;
      long b = (register(at & ~3) >>> (8 * (at & 3))) & 0xFF;
      value |= b << (8 * i);
    }
    data.setValue(value);
    return IoStatus.OK;
  }

  @Override
  public synchronized IoStatus writeMmio(IoRegion r, long offset, IoData data) {
    int bytes = data.size().bytes();
    if (offset < 0 || offset + bytes > SIZE) {
      return IoStatus.INVALID_REGISTER;
    }
    int off = (int) offset;
    long value = data.value();
    if (off >= DATA_BUFFER_OFFSET) {
      // PTP: software writes the command into the buffer in Command Reception; a write while a
      // command executes is undefined there and harmless here (the command was copied at START).
      for (int i = 0; i < bytes; i++) {
        buffer[off - DATA_BUFFER_OFFSET + i] = (byte) (value >>> (8 * i));
      }
      return IoStatus.OK;
    }
    if (bytes == 8 && (off & 7) == 0) {
      writeRegister(off, (int) value);
      writeRegister(off + 4, (int) (value >>> 32));
      return IoStatus.OK;
    }
    if ((off & 3) + bytes > 4) {
      return IoStatus.UNALIGNED_ACCESS;
    }
    writeRegister(off & ~3, (int) (value << (8 * (off & 3))));
    return IoStatus.OK;
  }

  private long bufferValue(int at, int bytes) {
    long value = 0;
    for (int i = 0; i < bytes; i++) {
      value |= (buffer[at + i] & 0xFFL) << (8 * i);
    }
    return value;
  }

  /** The 32-bit register at dword offset {@code off} (below the buffer). */
  private int register(int off) {
    return switch (off) {
      case TPM_LOC_STATE ->
          LOC_STATE_REG_VALID_STS
              | (locAssigned ? LOC_STATE_LOC_ASSIGNED : 0)
              // activeLocality (bits 4:2) is 0, the only locality. tpmEstablished reads 1 until an
              // H-CRTM sequence established the TPM, as QEMU's CRB and the TIS access register.
              | (platform.tpmEstablished() ? 0 : LOC_STATE_TPM_ESTABLISHED);
      case TPM_LOC_STS -> locAssigned ? LOC_STS_GRANTED : 0;
      case TPM_CRB_INTF_ID -> (int) INTF_ID;
      case TPM_CRB_INTF_ID + 4 -> (int) (INTF_ID >>> 32);
      case TPM_CRB_CTRL_REQ -> 0;
      case TPM_CRB_CTRL_STS -> (fatal ? CTRL_STS_TPM_STS : 0) | (idle ? CTRL_STS_TPM_IDLE : 0);
      case TPM_CRB_CTRL_CANCEL -> cancel ? CTRL_CANCEL_INVOKE : 0;
      case TPM_CRB_CTRL_START -> started ? CTRL_START_INVOKE : 0;
      case TPM_CRB_INT_ENABLE -> intEnable;
      case TPM_CRB_CTRL_CMD_SIZE, TPM_CRB_CTRL_RSP_SIZE -> DATA_BUFFER_SIZE;
      case TPM_CRB_CTRL_CMD_LADDR, TPM_CRB_CTRL_RSP_ADDR ->
          (int) (region.base() + DATA_BUFFER_OFFSET);
      case TPM_CRB_CTRL_CMD_HADDR, TPM_CRB_CTRL_RSP_ADDR + 4 ->
          (int) ((region.base() + DATA_BUFFER_OFFSET) >>> 32);
      // TPM_LOC_CTRL and TPM_CRB_INT_STS read 0, TPM_CRB_CTRL_EXT and the gaps are reserved.
      default -> 0;
    };
  }

  private void writeRegister(int off, int value) {
    switch (off) {
      case TPM_LOC_CTRL -> {
        // PTP: relinquish wins over a request written at the same time. Seize and
        // resetEstablishmentBit are for localities 3 and 4, which this interface does not have.
        if ((value & LOC_CTRL_RELINQUISH) != 0) {
          locAssigned = false;
        } else if ((value & LOC_CTRL_REQUEST_ACCESS) != 0) {
          locAssigned = true;
        }
      }
      case TPM_CRB_CTRL_REQ -> controlRequest(value);
      case TPM_CRB_CTRL_CANCEL -> {
        if (!locAssigned) {
          return;
        }
        cancel = (value & CTRL_CANCEL_INVOKE) != 0;
        if (cancel && started) {
          platform.cancel();
        } else if (!cancel) {
          platform.clearCancel();
        }
      }
      case TPM_CRB_CTRL_START -> {
        if ((value & CTRL_START_INVOKE) != 0) {
          start();
        }
        // Software cannot clear START: only the TPM does, when the response is ready.
      }
      case TPM_CRB_INT_ENABLE -> intEnable = value;
      // INT_STS is write-1-to-clear of nothing; the size and address registers are read-only
      // here (one fixed buffer); everything else is reserved.
      default -> {}
    }
  }

  /** TPM_CRB_CTRL_REQ: the Idle ⇄ Ready transitions of the PTP's CRB state machine. */
  private void controlRequest(int value) {
    if (!locAssigned) {
      return; // only the active locality may change the TPM's state
    }
    boolean cmdReady = (value & CTRL_REQ_CMD_READY) != 0;
    boolean goIdle = (value & CTRL_REQ_GO_IDLE) != 0;
    if (cmdReady && goIdle) {
      return; // both at once is undefined; leave the state as it is
    }
    if (cmdReady) {
      idle = false;
      idleAfterCompletion = false;
      fatal = false; // PTP: cmdReady from the error state is how software recovers
    } else if (goIdle) {
      if (started) {
        idleAfterCompletion = true; // the command completes first
      } else {
        idle = true;
      }
    }
  }

  private void start() {
    if (!locAssigned || started || closed) {
      return;
    }
    // DEVNOTE: as QEMU's CRB, a START in Idle is served too, rather than left to time out: the
    // state machine says software asks for Ready first, and Linux always does.
    idle = false;
    int declared = commandSize();
    // The size is the guest's: at least a header's worth, at most the buffer. A command whose
    // header disagrees with what the engine receives is answered TPM_RC_COMMAND_SIZE by the TPM.
    int length = Math.clamp(declared, Math.min(10, DATA_BUFFER_SIZE), DATA_BUFFER_SIZE);
    byte[] command = Arrays.copyOf(buffer, length);
    started = true;
    cancel = false;
    platform.clearCancel();
    long gen = generation;
    try {
      executor.execute(() -> run(gen, command));
    } catch (RejectedExecutionException e) {
      complete(gen, errorResponse(TPM_RC_FAILURE));
    }
  }

  /**
   * commandSize of the header in the buffer (TPM 2.0 Part 1, command header: big-endian at offset
   * 2).
   */
  private int commandSize() {
    long size =
        (buffer[2] & 0xFFL) << 24
            | (buffer[3] & 0xFFL) << 16
            | (buffer[4] & 0xFFL) << 8
            | (buffer[5] & 0xFFL);
    return (int) Math.min(size, Integer.MAX_VALUE);
  }

  private void run(long gen, byte[] command) {
    byte[] response;
    try {
      response = engine.execute(Locality.ZERO, command);
    } catch (RuntimeException e) {
      LOG.error("vTPM engine threw; the guest gets TPM_RC_FAILURE", e);
      response = null;
    }
    if (response == null || response.length < 10) {
      response = errorResponse(TPM_RC_FAILURE);
    } else if (response.length > DATA_BUFFER_SIZE) {
      // DEVNOTE: the TPM's TPM_PT_MAX_RESPONSE_SIZE should not exceed this buffer; if a response
      // does, the guest gets a failure rather than a truncated response.
      LOG.warn(
          "vTPM response of {} bytes does not fit the CRB buffer ({} bytes)",
          response.length,
          DATA_BUFFER_SIZE);
      response = errorResponse(TPM_RC_FAILURE);
    }
    complete(gen, response);
  }

  private synchronized void complete(long gen, byte[] response) {
    if (gen != generation) {
      return; // reset while the command ran: its response belongs to a previous boot
    }
    System.arraycopy(response, 0, buffer, 0, response.length);
    started = false;
    if (idleAfterCompletion) {
      idle = true;
      idleAfterCompletion = false;
    }
  }

  private static byte[] errorResponse(int rc) {
    // TPM_ST_NO_SESSIONS, responseSize 10, responseCode.
    return new byte[] {
      (byte) 0x80,
      0x01,
      0,
      0,
      0,
      10,
      (byte) (rc >>> 24),
      (byte) (rc >>> 16),
      (byte) (rc >>> 8),
      (byte) rc
    };
  }

  /** Stops the command thread (if this CRB made it); a command in flight is abandoned. */
  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      generation++;
    }
    if (ownedExecutor != null) {
      ownedExecutor.shutdownNow();
      try {
        ownedExecutor.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
