package io.parasol.tpm.server;

import io.parasol.tpm.Locality;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Microsoft TPM 2.0 simulator protocol ("mssim"), as {@code TcpServer.c} of the reference
 * implementation (microsoft/ms-tpm-20-ref, {@code TPMCmd/Simulator}) defines it and tpm2-tss's
 * {@code mssim:} TCTI and IBM TSS's {@code socsim} interface use it: a TPM command port and a
 * platform port, each serving one client at a time, every integer big-endian.
 *
 * <p>The <b>TPM port</b> carries {@code TPM_SEND_COMMAND} (u8 locality, u32 length, command;
 * answered by u32 length, response, u32 0), the H-CRTM signals {@code HASH_START/DATA/END}, {@code
 * REMOTE_HANDSHAKE}, {@code SET_ALTERNATIVE_RESULT}, {@code SESSION_END} and {@code STOP}. The
 * <b>platform port</b> carries the signals a motherboard gives a TPM (power, physical presence,
 * cancel, NV availability, reset), each answered by a u32 0, or 1 for an unknown code.
 *
 * <p>Over TCP the platform port is the TPM port + 1; over Unix sockets it is the TPM socket's path
 * + ".ctrl", as tpm2-tss's mssim TCTI expects. A client that sends an unknown code, a length above
 * {@link TpmServerOptions#maxCommandSizeBytes} or a truncated frame loses its connection; {@code
 * STOP} stops the server if {@link TpmServerOptions#honourStop} allows.
 */
public final class MssimServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MssimServer.class);

  // Command codes, TpmTcpProtocol.h. One numbering covers both ports.
  static final int SIGNAL_POWER_ON = 1;
  static final int SIGNAL_POWER_OFF = 2;
  static final int SIGNAL_PHYS_PRES_ON = 3;
  static final int SIGNAL_PHYS_PRES_OFF = 4;
  static final int SIGNAL_HASH_START = 5;
  static final int SIGNAL_HASH_DATA = 6;
  static final int SIGNAL_HASH_END = 7;
  static final int SEND_COMMAND = 8;
  static final int SIGNAL_CANCEL_ON = 9;
  static final int SIGNAL_CANCEL_OFF = 10;
  static final int SIGNAL_NV_ON = 11;
  static final int SIGNAL_NV_OFF = 12;
  static final int SIGNAL_KEY_CACHE_ON = 13;
  static final int SIGNAL_KEY_CACHE_OFF = 14;
  static final int REMOTE_HANDSHAKE = 15;
  static final int SET_ALTERNATIVE_RESULT = 16;
  static final int SIGNAL_RESET = 17;
  static final int SIGNAL_RESTART = 18;
  static final int SESSION_END = 20;
  static final int STOP = 21;
  static final int GET_COMMAND_RESPONSE_SIZES = 25;
  static final int TEST_FAILURE_MODE = 30;

  /** {@code ServerVersion} of the reference simulator's handshake. */
  static final int SERVER_VERSION = 1;

  /** Handshake flags: {@code tpmPlatformAvailable | tpmInRawMode | tpmSupportsPP}. */
  static final int HANDSHAKE_FLAGS = 0x01 | 0x04 | 0x08;

  /** H-CRTM data per signal: the reference simulator's {@code MAX_BUFFER}, 1 MiB. */
  static final int MAX_HASH_DATA_BYTES = 1 << 20;

  /** Bytes handed to {@link SerializedTpm#hashData} at a time. */
  private static final int HASH_CHUNK_BYTES = 4096;

  private static final int BUFFER_BYTES = 8192;
  private static final int TCP_PAIR_ATTEMPTS = 32;

  private final SerializedTpm tpm;
  private final TpmServerOptions options;
  private final RateLimitedLog warnings;
  private final ClientService commandService;
  private final ClientService platformService;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final Object statisticsLock = new Object();
  private final SizeRecord largestCommand = new SizeRecord();
  private final SizeRecord largestResponse = new SizeRecord();
  private volatile boolean physicalPresence;
  private volatile boolean nvAvailable;
  private volatile boolean closing;

  private MssimServer(
      SerializedTpm tpm, Listener command, Listener platform, TpmServerOptions options) {
    this.tpm = tpm;
    this.options = options;
    this.warnings = new RateLimitedLog(LOG, options.warningsPerMinute());
    this.commandService =
        new ClientService(
            "tpm-mssim-command " + command.endpoint(), command, this::serveCommands, warnings);
    this.platformService =
        new ClientService(
            "tpm-mssim-platform " + platform.endpoint(), platform, this::servePlatform, warnings);
  }

  /**
   * Starts serving {@code tpm} with the TPM port on {@code command} and the platform port on {@code
   * platform}. Both are bound before this returns.
   */
  public static MssimServer start(
      SerializedTpm tpm, Endpoint command, Endpoint platform, TpmServerOptions options)
      throws IOException {
    Objects.requireNonNull(tpm, "tpm");
    Objects.requireNonNull(options, "options");
    Listener commandListener = ChannelListener.bind(command);
    Listener platformListener;
    try {
      platformListener = ChannelListener.bind(platform);
    } catch (IOException e) {
      commandListener.close();
      throw e;
    }
    return start(tpm, commandListener, platformListener, options);
  }

  /**
   * Starts serving on TCP: TPM port {@code port} and platform port {@code port + 1} at {@code
   * address}. Port 0 picks a free pair of consecutive ports (see {@link #commandEndpoint()}).
   */
  public static MssimServer startTcp(
      SerializedTpm tpm, InetAddress address, int port, TpmServerOptions options)
      throws IOException {
    List<Listener> pair = bindTcpPair(address, port);
    return start(tpm, pair.get(0), pair.get(1), options);
  }

  /** Starts serving on Unix sockets: the TPM port at {@code path}, the platform port at ".ctrl". */
  public static MssimServer startUnix(SerializedTpm tpm, Path path, TpmServerOptions options)
      throws IOException {
    return start(tpm, new Endpoint.Unix(path), Endpoint.ctrlSocketOf(path), options);
  }

  private static MssimServer start(
      SerializedTpm tpm, Listener command, Listener platform, TpmServerOptions options) {
    MssimServer server = new MssimServer(tpm, command, platform, options);
    server.commandService.start();
    server.platformService.start();
    LOG.info(
        "mssim server: TPM port {}, platform port {}", command.endpoint(), platform.endpoint());
    return server;
  }

  /**
   * Binds two listeners on consecutive TCP ports {@code port} and {@code port + 1}; with port 0, on
   * the first free pair the system offers.
   */
  static List<Listener> bindTcpPair(InetAddress address, int port) throws IOException {
    if (port == 0xFFFF) {
      throw new IllegalArgumentException("port 65535 leaves no room for port + 1");
    }
    if (port != 0) {
      Listener first = ChannelListener.bind(new Endpoint.Tcp(address, port));
      try {
        return List.of(first, ChannelListener.bind(new Endpoint.Tcp(address, port + 1)));
      } catch (IOException e) {
        first.close();
        throw e;
      }
    }
    for (int attempt = 0; attempt < TCP_PAIR_ATTEMPTS; attempt++) {
      Listener first = ChannelListener.bind(new Endpoint.Tcp(address, 0));
      int chosen = ((Endpoint.Tcp) first.endpoint()).port();
      if (chosen < 0xFFFF) {
        try {
          return List.of(first, ChannelListener.bind(new Endpoint.Tcp(address, chosen + 1)));
        } catch (BindException e) {
          // Port + 1 is taken: try another pair.
        }
      }
      first.close();
    }
    throw new BindException("no free pair of consecutive TCP ports on " + address);
  }

  /** Where the TPM port listens (with the real port if 0 was asked for). */
  public Endpoint commandEndpoint() {
    return commandService.endpoint();
  }

  /** Where the platform port listens. */
  public Endpoint platformEndpoint() {
    return platformService.endpoint();
  }

  /** The physical-presence signal, as the last {@code PHYS_PRES_ON/OFF} left it. */
  public boolean physicalPresence() {
    return physicalPresence;
  }

  /** NV availability, as the last {@code SIGNAL_NV_ON/OFF} left it. */
  public boolean nvAvailable() {
    return nvAvailable;
  }

  /** Blocks until the server has stopped, by {@link #close} or a client's {@code STOP}. */
  public void awaitStop() throws InterruptedException {
    stopped.await();
  }

  /** True once the server has stopped. */
  public boolean isStopped() {
    return stopped.getCount() == 0;
  }

  /** Stops listening, disconnects the clients and waits (briefly) for the serving threads. */
  @Override
  public void close() {
    synchronized (this) {
      if (closing) {
        return;
      }
      closing = true;
    }
    commandService.stop();
    platformService.stop();
    try {
      commandService.join(2_000);
      platformService.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    stopped.countDown();
    LOG.info("mssim server on {} stopped", commandEndpoint());
  }

  private void remoteStop(String port) {
    if (options.honourStop()) {
      LOG.info("mssim server: STOP received on the {} port", port);
      close();
    } else {
      LOG.info("mssim server: STOP received on the {} port, ignored (honourStop is off)", port);
    }
  }

  // TpmServer() of TcpServer.c: the TPM command port.
  private void serveCommands(Transport client) throws IOException {
    FrameReader in = new FrameReader(client, BUFFER_BYTES);
    while (in.awaitRequest()) {
      long code = in.u32();
      switch ((int) code) {
        case SEND_COMMAND -> sendCommand(in, client);
        case SIGNAL_HASH_START -> {
          tpm.hashStart();
          client.write(u32(0));
        }
        case SIGNAL_HASH_DATA -> {
          hashData(in);
          client.write(u32(0));
        }
        case SIGNAL_HASH_END -> {
          tpm.hashEnd();
          client.write(u32(0));
        }
        case REMOTE_HANDSHAKE -> {
          long clientVersion = in.u32();
          if (clientVersion == 0) {
            throw new BadClientInputException("REMOTE_HANDSHAKE with client version 0");
          }
          client.write(u32(SERVER_VERSION, HANDSHAKE_FLAGS, 0));
        }
        case SET_ALTERNATIVE_RESULT -> {
          in.u32(); // Not applicable to a simulator, as in the reference.
          client.write(u32(0));
        }
        case SESSION_END -> {
          return;
        }
        case STOP -> {
          remoteStop("TPM");
          return;
        }
        default -> throw new BadClientInputException("unknown TPM port code " + code);
      }
    }
  }

  private void sendCommand(FrameReader in, Transport client) throws IOException {
    int localityNumber = in.u8();
    long length = in.u32();
    if (length > options.maxCommandSizeBytes()) {
      throw new BadClientInputException(
          "command of "
              + length
              + " bytes exceeds the maximum of "
              + options.maxCommandSizeBytes());
    }
    byte[] command = in.bytes((int) length);
    byte[] response;
    if (localityNumber > 4) {
      // Extended localities (32–255) are not supported: answer as a TPM would.
      response = TpmResponses.error(TpmResponses.TPM_RC_LOCALITY);
    } else {
      response = tpm.execute(Locality.of(localityNumber), command);
    }
    recordSizes(command, response);
    byte[] frame = new byte[4 + response.length + 4];
    TpmResponses.putU32(frame, 0, response.length);
    System.arraycopy(response, 0, frame, 4, response.length);
    client.write(frame); // the trailing u32 0 is already in place
  }

  private void hashData(FrameReader in) throws IOException {
    long length = in.u32();
    if (length > MAX_HASH_DATA_BYTES) {
      throw new BadClientInputException("HASH_DATA of " + length + " bytes exceeds 1 MiB");
    }
    long remaining = length;
    while (remaining > 0) {
      byte[] chunk = in.bytes((int) Math.min(remaining, HASH_CHUNK_BYTES));
      tpm.hashData(chunk);
      remaining -= chunk.length;
    }
  }

  // PlatformServer() of TcpServer.c: the platform port.
  private void servePlatform(Transport client) throws IOException {
    FrameReader in = new FrameReader(client, BUFFER_BYTES);
    while (in.awaitRequest()) {
      long code = in.u32();
      switch ((int) code) {
        case SIGNAL_POWER_ON -> tpm.powerOnIfOff();
        case SIGNAL_POWER_OFF -> tpm.powerOff();
        case SIGNAL_PHYS_PRES_ON -> physicalPresence = true;
        case SIGNAL_PHYS_PRES_OFF -> physicalPresence = false;
        case SIGNAL_CANCEL_ON -> tpm.cancel();
        case SIGNAL_CANCEL_OFF -> tpm.clearCancel();
        case SIGNAL_NV_ON -> nvAvailable = true;
        case SIGNAL_NV_OFF -> nvAvailable = false;
        case SIGNAL_KEY_CACHE_ON, SIGNAL_KEY_CACHE_OFF -> {
          // The reference simulator's RSA key cache speeds up its tests; there is none here.
        }
        case SIGNAL_RESET, SIGNAL_RESTART -> tpm.resetIfOn();
        case TEST_FAILURE_MODE -> tpm.forceFailureMode();
        case GET_COMMAND_RESPONSE_SIZES -> {
          client.write(takeSizes());
          continue;
        }
        case SESSION_END -> {
          return;
        }
        case STOP -> {
          remoteStop("platform");
          return;
        }
        default -> {
          client.write(u32(1));
          throw new BadClientInputException("unknown platform port code " + code);
        }
      }
      client.write(u32(0));
    }
  }

  /** The largest command or response seen since the statistics were last read. */
  private static final class SizeRecord {
    int sizeBytes;
    byte[] code = new byte[4];
  }

  private void recordSizes(byte[] command, byte[] response) {
    synchronized (statisticsLock) {
      record(largestCommand, command);
      record(largestResponse, response);
    }
  }

  private static void record(SizeRecord record, byte[] message) {
    if (Integer.compareUnsigned(message.length, record.sizeBytes) > 0) {
      record.sizeBytes = message.length;
      record.code = new byte[4];
      if (message.length >= TpmResponses.HEADER_BYTES) {
        System.arraycopy(message, 6, record.code, 0, 4);
      }
    }
  }

  /**
   * The reply to {@code GET_COMMAND_RESPONSE_SIZES}: u32 16, then the reference simulator's {@code
   * CommandResponseSizes} struct as it sends it from an x86 host (sizes little-endian, codes as the
   * raw header bytes), then the trailing u32 0; the statistics start again.
   */
  private byte[] takeSizes() {
    byte[] reply = new byte[4 + 16 + 4];
    TpmResponses.putU32(reply, 0, 16);
    synchronized (statisticsLock) {
      putU32LittleEndian(reply, 4, largestCommand.sizeBytes);
      System.arraycopy(largestCommand.code, 0, reply, 8, 4);
      putU32LittleEndian(reply, 12, largestResponse.sizeBytes);
      System.arraycopy(largestResponse.code, 0, reply, 16, 4);
      largestCommand.sizeBytes = 0;
      largestCommand.code = new byte[4];
      largestResponse.sizeBytes = 0;
      largestResponse.code = new byte[4];
    }
    return reply;
  }

  private static void putU32LittleEndian(byte[] b, int offset, int value) {
    b[offset] = (byte) value;
    b[offset + 1] = (byte) (value >>> 8);
    b[offset + 2] = (byte) (value >>> 16);
    b[offset + 3] = (byte) (value >>> 24);
  }

  private static byte[] u32(int... values) {
    byte[] b = new byte[4 * values.length];
    for (int i = 0; i < values.length; i++) {
      TpmResponses.putU32(b, 4 * i, values[i]);
    }
    return b;
  }
}
