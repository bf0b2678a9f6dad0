package io.parasol.tpm.server;

import io.parasol.tpm.Locality;
import io.parasol.tpm.server.sys.UnixSockets;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The swtpm socket protocol (swtpm 0.7, {@code man swtpm}, {@code swtpm_ioctls(3)} and {@code
 * tpm_ioctl.h}), so that software written for swtpm uses Parasol's vTPM unchanged: tpm2-tss's
 * {@code swtpm:} TCTI, and QEMU's {@code -tpmdev emulator} backend.
 *
 * <p>The <b>data channel</b> carries plain TPM 2.0 commands, framed only by the size in their
 * header, one connection at a time (tpm2-tss opens one per command, QEMU keeps one). A message
 * whose first two bytes are not a TPM 2.0 tag and whose first u32 is 8 is an mssim {@code
 * TPM_SEND_COMMAND} frame instead (swtpm's {@code tpm-send-command-header} capability) and is
 * answered in that framing.
 *
 * <p>The <b>control channel</b> carries {@code CMD_*} requests: u32 code and a fixed payload,
 * answered by a u32 result and the fields {@code tpm_ioctl.h} gives the response union, except
 * {@code CMD_GET_CAPABILITY}, answered by the 8-byte capability bitmap alone. As in swtpm, one
 * receive is one request: bytes beyond what the command reads are dropped (QEMU sends 4-byte unions
 * for 1-byte requests). Results are libtpms's TPM 1.2 codes: {@code TPM_BAD_ORDINAL} for an unknown
 * code or a command that needs the TPM running, {@code TPM_BAD_PARAMETER} for a payload of the
 * wrong size.
 *
 * <p>Over a Unix socket the control channel also accepts {@code CMD_SET_DATAFD}: QEMU creates a
 * socket pair and passes one end with {@code SCM_RIGHTS}; it then becomes a data channel (served
 * besides the listening data socket, if any). QEMU 7.2 needs only the control channel.
 *
 * <p>Not supported, answered with {@code TPM_FAIL} and left out of the capability bitmap: {@code
 * CMD_STORE_VOLATILE}, {@code CMD_GET_STATEBLOB} and {@code CMD_SET_STATEBLOB} (which need an
 * export of the engine's volatile and permanent state). QEMU then blocks migration of the VM, as it
 * does for any emulator without them.
 */
public final class SwtpmServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SwtpmServer.class);

  // Control channel commands, tpm_ioctl.h.
  static final int CMD_GET_CAPABILITY = 0x01;
  static final int CMD_INIT = 0x02;
  static final int CMD_SHUTDOWN = 0x03;
  static final int CMD_GET_TPMESTABLISHED = 0x04;
  static final int CMD_SET_LOCALITY = 0x05;
  static final int CMD_HASH_START = 0x06;
  static final int CMD_HASH_DATA = 0x07;
  static final int CMD_HASH_END = 0x08;
  static final int CMD_CANCEL_TPM_CMD = 0x09;
  static final int CMD_STORE_VOLATILE = 0x0a;
  static final int CMD_RESET_TPMESTABLISHED = 0x0b;
  static final int CMD_GET_STATEBLOB = 0x0c;
  static final int CMD_SET_STATEBLOB = 0x0d;
  static final int CMD_STOP = 0x0e;
  static final int CMD_GET_CONFIG = 0x0f;
  static final int CMD_SET_DATAFD = 0x10;
  static final int CMD_SET_BUFFERSIZE = 0x11;
  static final int CMD_GET_INFO = 0x12;

  // PTM_CAP_* bits of CMD_GET_CAPABILITY, tpm_ioctl.h.
  static final long PTM_CAP_INIT = 1L;
  static final long PTM_CAP_SHUTDOWN = 1L << 1;
  static final long PTM_CAP_GET_TPMESTABLISHED = 1L << 2;
  static final long PTM_CAP_SET_LOCALITY = 1L << 3;
  static final long PTM_CAP_HASHING = 1L << 4;
  static final long PTM_CAP_CANCEL_TPM_CMD = 1L << 5;
  static final long PTM_CAP_STORE_VOLATILE = 1L << 6;
  static final long PTM_CAP_RESET_TPMESTABLISHED = 1L << 7;
  static final long PTM_CAP_GET_STATEBLOB = 1L << 8;
  static final long PTM_CAP_SET_STATEBLOB = 1L << 9;
  static final long PTM_CAP_STOP = 1L << 10;
  static final long PTM_CAP_GET_CONFIG = 1L << 11;
  static final long PTM_CAP_SET_DATAFD = 1L << 12;
  static final long PTM_CAP_SET_BUFFERSIZE = 1L << 13;
  static final long PTM_CAP_GET_INFO = 1L << 14;
  static final long PTM_CAP_SEND_COMMAND_HEADER = 1L << 15;

  /** What this server implements; SET_DATAFD only where descriptors can be received. */
  static final long CAPABILITIES =
      PTM_CAP_INIT
          | PTM_CAP_SHUTDOWN
          | PTM_CAP_GET_TPMESTABLISHED
          | PTM_CAP_SET_LOCALITY
          | PTM_CAP_HASHING
          | PTM_CAP_CANCEL_TPM_CMD
          | PTM_CAP_RESET_TPMESTABLISHED
          | PTM_CAP_STOP
          | PTM_CAP_GET_CONFIG
          | PTM_CAP_SET_BUFFERSIZE
          | PTM_CAP_GET_INFO
          | PTM_CAP_SEND_COMMAND_HEADER;

  // Results: libtpms's TPM 1.2 return codes (tpm_error.h), which swtpm uses on this channel.
  static final int TPM_SUCCESS = 0;
  static final int TPM_BAD_PARAMETER = 3;
  static final int TPM_FAIL = 9;
  static final int TPM_BAD_ORDINAL = 10;
  static final int TPM_IOERROR = 31;
  static final int TPM_BAD_LOCALITY = 61;

  /** {@code PTM_INIT_FLAG_DELETE_VOLATILE}. */
  static final int INIT_FLAG_DELETE_VOLATILE = 1;

  /** {@code SWTPM_INFO_TPMSPECIFICATION}, {@code SWTPM_INFO_TPMATTRIBUTES}. */
  static final long INFO_TPM_SPECIFICATION = 1;

  static final long INFO_TPM_ATTRIBUTES = 2;

  /** {@code ptm_hdata.u.req.data}: at most 4096 bytes per {@code CMD_HASH_DATA}. */
  static final int MAX_HASH_DATA_BYTES = 4096;

  /** {@code PTM_GETINFO_SIZE}: at most 3 KiB of JSON per {@code CMD_GET_INFO} reply. */
  static final int GET_INFO_CHUNK_BYTES = 3 * 1024;

  /** A state blob larger than this is not read, and the connection closed. */
  static final int MAX_STATE_BLOB_BYTES = 16 << 20;

  /** The mssim {@code TPM_SEND_COMMAND} code, recognised on the data channel. */
  private static final int MSSIM_SEND_COMMAND = 8;

  /** swtpm's control receive buffer: u32 code and the largest request, {@code ptm_hdata}. */
  private static final int CONTROL_BUFFER_BYTES = 4 + 4 + MAX_HASH_DATA_BYTES;

  private final SerializedTpm tpm;
  private final TpmServerOptions options;
  private final RateLimitedLog warnings;
  private final ClientService dataService;
  private final ClientService controlService;
  private final boolean controlCarriesDescriptors;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final Object passedDataLock = new Object();
  private Transport passedData;
  private Thread passedDataThread;
  private volatile Locality locality = Locality.ZERO;
  private volatile int bufferSizeBytes;
  private volatile boolean closing;

  private SwtpmServer(
      SerializedTpm tpm, Listener data, Listener control, TpmServerOptions options) {
    this.tpm = tpm;
    this.options = options;
    this.warnings = new RateLimitedLog(LOG, options.warningsPerMinute());
    this.bufferSizeBytes = options.maxCommandSizeBytes();
    this.dataService =
        data == null
            ? null
            : new ClientService(
                "tpm-swtpm-data " + data.endpoint(), data, this::serveData, warnings);
    this.controlService =
        new ClientService(
            "tpm-swtpm-ctrl " + control.endpoint(), control, this::serveControl, warnings);
    this.controlCarriesDescriptors = control instanceof NativeListener;
  }

  /**
   * Starts serving {@code tpm}: the data channel on {@code data} (null for none, as with QEMU,
   * which passes its data socket over the control channel) and the control channel on {@code
   * control}. Like swtpm at start-up, the TPM is powered on if it is not, so it expects {@code
   * TPM2_Startup}.
   */
  public static SwtpmServer start(
      SerializedTpm tpm, Endpoint data, Endpoint control, TpmServerOptions options)
      throws IOException {
    Objects.requireNonNull(tpm, "tpm");
    Objects.requireNonNull(control, "control");
    Objects.requireNonNull(options, "options");
    Listener controlListener = bindControl(control);
    Listener dataListener = null;
    if (data != null) {
      try {
        dataListener = ChannelListener.bind(data);
      } catch (IOException e) {
        controlListener.close();
        throw e;
      }
    }
    return start(tpm, dataListener, controlListener, options);
  }

  /**
   * Starts serving on TCP at {@code address}: data port {@code port}, control port {@code port + 1}
   * (the layout tpm2-tss's swtpm TCTI assumes). Port 0 picks a free consecutive pair.
   */
  public static SwtpmServer startTcp(
      SerializedTpm tpm, InetAddress address, int port, TpmServerOptions options)
      throws IOException {
    List<Listener> pair = MssimServer.bindTcpPair(address, port);
    return start(tpm, pair.get(0), pair.get(1), options);
  }

  /**
   * Starts serving on Unix sockets: data at {@code path}, control at {@code path + ".ctrl"} (the
   * layout tpm2-tss's swtpm TCTI assumes with {@code path=}).
   */
  public static SwtpmServer startUnix(SerializedTpm tpm, Path path, TpmServerOptions options)
      throws IOException {
    return start(tpm, new Endpoint.Unix(path), Endpoint.ctrlSocketOf(path), options);
  }

  private static Listener bindControl(Endpoint control) throws IOException {
    if (control instanceof Endpoint.Unix unix && UnixSockets.isSupported()) {
      return NativeListener.bind(unix);
    }
    return ChannelListener.bind(control);
  }

  private static SwtpmServer start(
      SerializedTpm tpm, Listener data, Listener control, TpmServerOptions options) {
    SwtpmServer server = new SwtpmServer(tpm, data, control, options);
    tpm.powerOnIfOff();
    if (server.dataService != null) {
      server.dataService.start();
    }
    server.controlService.start();
    LOG.info(
        "swtpm server: data {}, control {}",
        data == null ? "(passed over the control channel)" : data.endpoint(),
        control.endpoint());
    return server;
  }

  /** Where the data channel listens, or null if it has no listening socket. */
  public Endpoint dataEndpoint() {
    return dataService == null ? null : dataService.endpoint();
  }

  /** Where the control channel listens. */
  public Endpoint controlEndpoint() {
    return controlService.endpoint();
  }

  /** The locality raw data-channel commands run at, as {@code CMD_SET_LOCALITY} left it. */
  public Locality locality() {
    return locality;
  }

  /** Blocks until the server has stopped, by {@link #close} or a client's {@code CMD_SHUTDOWN}. */
  public void awaitStop() throws InterruptedException {
    stopped.await();
  }

  /** True once the server has stopped. */
  public boolean isStopped() {
    return stopped.getCount() == 0;
  }

  /** Stops listening, disconnects every client (a passed data socket too) and waits briefly. */
  @Override
  public void close() {
    synchronized (this) {
      if (closing) {
        return;
      }
      closing = true;
    }
    if (dataService != null) {
      dataService.stop();
    }
    controlService.stop();
    Thread passedThread;
    synchronized (passedDataLock) {
      if (passedData != null) {
        passedData.close();
      }
      passedThread = passedDataThread;
    }
    try {
      if (dataService != null) {
        dataService.join(2_000);
      }
      controlService.join(2_000);
      if (passedThread != null && passedThread != Thread.currentThread()) {
        passedThread.join(2_000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    stopped.countDown();
    LOG.info("swtpm server on {} stopped", controlEndpoint());
  }

  // ---- Data channel ----

  private void serveData(Transport client) throws IOException {
    FrameReader in = new FrameReader(client, 2 * options.maxCommandSizeBytes());
    while (in.awaitRequest()) {
      // Six bytes are both a TPM header's tag and size and the start of a 9-byte mssim frame.
      int tag = in.u16();
      long size = in.u32();
      byte[] command;
      Locality commandLocality;
      // Framed: the first u32 is 8, so the tag (its high half) is 0, not a TPM 2.0 tag.
      boolean framed = tag == 0 && (size >>> 16) == MSSIM_SEND_COMMAND;
      if (framed) {
        // u32 8, u8 locality, u32 length: we hold 00 00 | 00 08 ll xx, three length bytes follow.
        int localityNumber = (int) ((size >>> 8) & 0xFF);
        long length = ((size & 0xFF) << 24) | (in.u16() << 8) | in.u8();
        command = readCommand(in, length, 0);
        if (localityNumber > 4) {
          client.write(mssimFrame(TpmResponses.error(TpmResponses.TPM_RC_LOCALITY)));
          continue;
        }
        commandLocality = Locality.of(localityNumber);
      } else {
        if (size < TpmResponses.HEADER_BYTES) {
          throw new BadClientInputException("command size " + size + " is below a TPM header");
        }
        command = readCommand(in, size, 6);
        command[0] = (byte) (tag >>> 8);
        command[1] = (byte) tag;
        TpmResponses.putU32(command, 2, (int) size);
        commandLocality = locality;
      }
      // A cancel request is for the command running when it arrives, not for this one.
      tpm.clearCancel();
      byte[] response = tpm.execute(commandLocality, command);
      client.write(framed ? mssimFrame(response) : response);
    }
  }

  /** Reads a command of {@code size} bytes whose first {@code alreadyRead} bytes were consumed. */
  private byte[] readCommand(FrameReader in, long size, int alreadyRead) throws IOException {
    int limit = bufferSizeBytes;
    if (size > limit) {
      throw new BadClientInputException(
          "command of " + size + " bytes exceeds the buffer size of " + limit);
    }
    byte[] command = new byte[(int) size];
    in.read(command, alreadyRead, command.length - alreadyRead);
    return command;
  }

  private static byte[] mssimFrame(byte[] response) {
    byte[] frame = new byte[4 + response.length + 4];
    TpmResponses.putU32(frame, 0, response.length);
    System.arraycopy(response, 0, frame, 4, response.length);
    return frame;
  }

  // ---- Control channel ----

  private void serveControl(Transport client) throws IOException {
    FrameReader in = new FrameReader(client, CONTROL_BUFFER_BYTES);
    while (in.awaitRequest()) {
      long code = in.u32();
      byte[] reply = control((int) code, in, client);
      // One receive is one request: the rest of it is padding (or garbage), never a next request.
      in.discardBuffered();
      // A descriptor that came with anything but CMD_SET_DATAFD is not ours to keep.
      UnixSockets.close(client.takeReceivedDescriptor());
      client.write(reply);
      if (code == CMD_SHUTDOWN && reply.length == 4 && TpmResponses.getU32(reply, 0) == 0) {
        shutdown();
        return;
      }
    }
  }

  /** Runs one control command; returns the complete reply. */
  private byte[] control(int code, FrameReader in, Transport client) throws IOException {
    boolean running = tpm.isPoweredOn();
    return switch (code) {
      case CMD_GET_CAPABILITY -> {
        long caps = CAPABILITIES | (controlCarriesDescriptors ? PTM_CAP_SET_DATAFD : 0);
        byte[] reply = new byte[8];
        TpmResponses.putU32(reply, 0, (int) (caps >>> 32));
        TpmResponses.putU32(reply, 4, (int) caps);
        yield reply;
      }
      case CMD_INIT -> {
        long flags = in.u32();
        if (in.buffered() != 0) {
          yield result(TPM_BAD_PARAMETER);
        }
        // TPMLIB_Terminate and a new start: a power cycle. There is no volatile-state file to
        // delete (no CMD_STORE_VOLATILE), so DELETE_VOLATILE needs no action of its own.
        if ((flags & INIT_FLAG_DELETE_VOLATILE) != 0) {
          LOG.debug("swtpm CMD_INIT with DELETE_VOLATILE");
        }
        tpm.powerOff();
        tpm.powerOn();
        yield result(TPM_SUCCESS);
      }
      case CMD_SHUTDOWN -> {
        if (in.buffered() != 0) {
          yield result(TPM_BAD_PARAMETER);
        }
        if (!options.honourStop()) {
          LOG.info("swtpm CMD_SHUTDOWN refused (honourStop is off)");
          yield result(TPM_BAD_ORDINAL);
        }
        tpm.powerOff();
        yield result(TPM_SUCCESS);
      }
      case CMD_STOP -> {
        if (in.buffered() != 0) {
          yield result(TPM_BAD_PARAMETER);
        }
        tpm.powerOff();
        yield result(TPM_SUCCESS);
      }
      case CMD_GET_TPMESTABLISHED -> {
        if (!running) {
          yield result(TPM_BAD_ORDINAL);
        }
        if (in.buffered() != 0) {
          yield result(TPM_BAD_PARAMETER);
        }
        // ptm_est.u.resp: u32 result, u8 bit, padded to 8 bytes (QEMU reads sizeof(ptm_est)).
        byte[] reply = new byte[8];
        reply[4] = (byte) (tpm.tpmEstablished() ? 1 : 0);
        yield reply;
      }
      case CMD_SET_LOCALITY -> {
        int requested = in.u8();
        if (requested > 4) {
          yield result(TPM_BAD_LOCALITY);
        }
        locality = Locality.of(requested);
        yield result(TPM_SUCCESS);
      }
      case CMD_RESET_TPMESTABLISHED -> {
        int requested = in.u8();
        if (!running) {
          yield result(TPM_BAD_ORDINAL);
        }
        if (requested > 4) {
          yield result(TPM_BAD_LOCALITY);
        }
        tpm.resetTpmEstablished(Locality.of(requested));
        yield result(TPM_SUCCESS);
      }
      case CMD_HASH_START, CMD_HASH_END, CMD_CANCEL_TPM_CMD, CMD_STORE_VOLATILE -> {
        if (!running) {
          yield result(TPM_BAD_ORDINAL);
        }
        if (in.buffered() != 0) {
          yield result(TPM_BAD_PARAMETER);
        }
        if (code == CMD_STORE_VOLATILE) {
          yield result(TPM_FAIL); // no export of the engine's volatile state
        }
        if (code == CMD_HASH_START) {
          tpm.hashStart();
        } else if (code == CMD_HASH_END) {
          tpm.hashEnd();
        } else {
          tpm.cancel();
        }
        yield result(TPM_SUCCESS);
      }
      case CMD_HASH_DATA -> {
        long length = in.u32();
        if (length > MAX_HASH_DATA_BYTES) {
          client.write(result(TPM_BAD_PARAMETER));
          throw new BadClientInputException("CMD_HASH_DATA of " + length + " bytes exceeds 4096");
        }
        byte[] data = in.bytes((int) length);
        if (!running) {
          yield result(TPM_BAD_ORDINAL);
        }
        tpm.hashData(data);
        yield result(TPM_SUCCESS);
      }
      case CMD_GET_STATEBLOB -> {
        in.skip(12); // u32 state_flags, u32 type, u32 offset
        if (!running) {
          yield result(TPM_BAD_ORDINAL);
        }
        // ptm_getstate.u.resp header: result, state_flags, totlength, length; no data.
        byte[] reply = new byte[16];
        TpmResponses.putU32(reply, 0, TPM_FAIL);
        yield reply;
      }
      case CMD_SET_STATEBLOB -> {
        in.skip(8); // u32 state_flags, u32 type
        long length = in.u32();
        if (length > MAX_STATE_BLOB_BYTES) {
          client.write(result(TPM_BAD_PARAMETER));
          throw new BadClientInputException("CMD_SET_STATEBLOB of " + length + " bytes");
        }
        in.skip(length);
        yield result(running ? TPM_BAD_ORDINAL : TPM_FAIL);
      }
      case CMD_GET_CONFIG -> {
        if (in.buffered() != 0) {
          yield result(TPM_BAD_PARAMETER);
        }
        // ptm_getconfig.u.resp: result, flags. No file or migration key of swtpm's kind.
        yield new byte[8];
      }
      case CMD_SET_DATAFD -> setDataDescriptor(client);
      case CMD_SET_BUFFERSIZE -> {
        long requested = in.u32();
        if (requested > 0 && running) {
          yield result(TPM_BAD_ORDINAL);
        }
        int max = options.maxCommandSizeBytes();
        int min = TpmServerOptions.MIN_BUFFER_SIZE;
        if (requested > 0) {
          bufferSizeBytes = (int) Math.max(min, Math.min(max, requested));
          // As libtpms: the TPM reports the front end's buffer as its maximum command size.
          tpm.setBufferSize(bufferSizeBytes);
        }
        // ptm_setbuffersize.u.resp: result, buffersize, minsize, maxsize.
        byte[] reply = new byte[16];
        TpmResponses.putU32(reply, 4, bufferSizeBytes);
        TpmResponses.putU32(reply, 8, min);
        TpmResponses.putU32(reply, 12, max);
        yield reply;
      }
      case CMD_GET_INFO -> {
        long flags = in.u64();
        long offset = in.u32();
        in.u32(); // pad
        yield info(flags, offset);
      }
      default -> {
        warnings.warn(
            "swtpm control: unknown command 0x{} from {}",
            Long.toHexString(code & 0xFFFFFFFFL),
            client.describe());
        yield result(TPM_BAD_ORDINAL);
      }
    };
  }

  /**
   * {@code CMD_GET_INFO}: the JSON libtpms's {@code TPMLIB_GetInfo} returns for {@code flags}, from
   * {@code offset}, at most 3 KiB, NUL-terminated as swtpm sends it.
   */
  private byte[] info(long flags, long offset) {
    TpmServerOptions.TpmIdentity id = options.identity();
    StringBuilder json = new StringBuilder("{");
    if ((flags & INFO_TPM_SPECIFICATION) != 0) {
      json.append("\"TPMSpecification\":{\"family\":\"")
          .append(id.family())
          .append("\",\"level\":")
          .append(id.level())
          .append(",\"revision\":")
          .append(id.revision())
          .append('}');
    }
    if ((flags & INFO_TPM_ATTRIBUTES) != 0) {
      if (json.length() > 1) {
        json.append(',');
      }
      json.append("\"TPMAttributes\":{\"manufacturer\":\"id:")
          .append(String.format("%08X", id.manufacturer()))
          .append("\",\"version\":\"id:")
          .append(String.format("%08X", id.firmwareVersion()))
          .append("\",\"model\":\"")
          .append(id.model())
          .append("\"}");
    }
    json.append('}');
    byte[] text = json.toString().getBytes(StandardCharsets.US_ASCII);
    if (offset >= text.length) {
      return result(TPM_BAD_PARAMETER);
    }
    int total = text.length + 1; // with the terminating NUL
    int length = (int) Math.min(total - offset, GET_INFO_CHUNK_BYTES);
    byte[] reply = new byte[12 + length];
    TpmResponses.putU32(reply, 4, total);
    TpmResponses.putU32(reply, 8, length);
    System.arraycopy(text, (int) offset, reply, 12, Math.min(length, text.length - (int) offset));
    return reply;
  }

  /** {@code CMD_SET_DATAFD}: serves the passed socket as this server's data channel. */
  private byte[] setDataDescriptor(Transport client) {
    int fd = client.takeReceivedDescriptor();
    if (fd < 0) {
      warnings.warn(
          "swtpm control: CMD_SET_DATAFD without a descriptor from {}", client.describe());
      return result(TPM_BAD_PARAMETER);
    }
    synchronized (passedDataLock) {
      if (passedData != null || closing) {
        UnixSockets.close(fd);
        return result(TPM_IOERROR);
      }
      Transport data = new NativeTransport(fd, false, "passed data socket");
      passedData = data;
      passedDataThread =
          Thread.ofPlatform()
              .name("tpm-swtpm-datafd " + controlEndpoint())
              .daemon()
              .start(
                  () -> {
                    ClientService.serve(
                        "tpm-swtpm-datafd", this::serveData, data, warnings, () -> closing);
                    synchronized (passedDataLock) {
                      passedData = null;
                    }
                  });
    }
    LOG.info("swtpm server: serving the data socket passed on {}", controlEndpoint());
    return result(TPM_SUCCESS);
  }

  private void shutdown() {
    LOG.info("swtpm server: CMD_SHUTDOWN received");
    // close() joins the serving threads, this one among them: let another thread do it.
    Thread.ofPlatform().name("tpm-swtpm-shutdown").daemon().start(this::close);
  }

  private static byte[] result(int code) {
    byte[] reply = new byte[4];
    TpmResponses.putU32(reply, 0, code);
    return reply;
  }
}
