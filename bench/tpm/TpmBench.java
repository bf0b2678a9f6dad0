import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The TPM benchmark client (run by bench/tpm/run.sh): sends raw TPM 2.0 commands over the swtpm
 * socket protocol's data channel (a TPM command in, a TPM response out: no framing) to two TPMs,
 * Parasol's and swtpm's, treating both alike, and times each command in the client, so process
 * start-up never counts. The two TPMs alternate command by command; it prints per-operation
 * medians in microseconds and the Parasol/swtpm ratio. An operation a TPM answers with
 * TPM_RC_COMMAND_CODE is reported as "n/a (not implemented)".
 *
 * <p>Usage: java TpmBench.java HOST:PORT(parasol) HOST:PORT(swtpm) [SCALE [PASSES]]. SCALE
 * multiplies the iteration counts (default 1); the whole list of operations runs PASSES times
 * (default 3) and each median is over the samples of every pass, so a burst of load from another
 * process on the machine weighs less.
 */
public final class TpmBench {
  static final int RC_SUCCESS = 0, RC_INITIALIZE = 0x100, RC_COMMAND_CODE = 0x143;
  static final int RH_OWNER = 0x40000001, RH_NULL = 0x40000007, RS_PW = 0x40000009;
  static final int NV_INDEX = 0x01500020;
  static final int NV_BYTES = 1024;

  /** One TPM's data channel. */
  static final class Tpm implements AutoCloseable {
    final String name;
    final Socket socket;
    final OutputStream out;
    final DataInputStream in;

    Tpm(String name, String hostPort) throws IOException {
      this.name = name;
      String[] hp = hostPort.split(":");
      socket = new Socket();
      socket.setTcpNoDelay(true);
      socket.connect(new InetSocketAddress(hp[0], Integer.parseInt(hp[1])), 5000);
      out = socket.getOutputStream();
      in = new DataInputStream(socket.getInputStream());
    }

    byte[] execute(byte[] command) throws IOException {
      out.write(command);
      out.flush();
      byte[] header = new byte[10];
      in.readFully(header);
      int size = ByteBuffer.wrap(header, 2, 4).getInt();
      byte[] response = Arrays.copyOf(header, size);
      in.readFully(response, 10, size - 10);
      return response;
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  static int rc(byte[] response) {
    return ByteBuffer.wrap(response, 6, 4).getInt();
  }

  static int handleOf(byte[] response) {
    return ByteBuffer.wrap(response, 10, 4).getInt();
  }

  /** A command: header, handles, a password session if authorised, parameters. */
  static final class Cmd {
    final ByteBuffer params = ByteBuffer.allocate(4096);
    final int code;
    final List<Integer> handles = new ArrayList<>();
    boolean auth;

    Cmd(int code) {
      this.code = code;
    }

    Cmd handle(int h) {
      handles.add(h);
      return this;
    }

    Cmd pw() {
      auth = true;
      return this;
    }

    Cmd u8(int v) {
      params.put((byte) v);
      return this;
    }

    Cmd u16(int v) {
      params.putShort((short) v);
      return this;
    }

    Cmd u32(int v) {
      params.putInt(v);
      return this;
    }

    Cmd b2(byte[] v) {
      params.putShort((short) v.length).put(v);
      return this;
    }

    Cmd bytes(byte[] v) {
      params.put(v);
      return this;
    }

    byte[] build() {
      ByteBuffer b = ByteBuffer.allocate(4096);
      b.putShort((short) (auth ? 0x8002 : 0x8001)).putInt(0).putInt(code);
      handles.forEach(b::putInt);
      if (auth) {
        b.putInt(9).putInt(RS_PW).putShort((short) 0).put((byte) 1).putShort((short) 0);
      }
      b.put(params.array(), 0, params.position());
      int size = b.position();
      b.putInt(2, size);
      return Arrays.copyOf(b.array(), size);
    }
  }

  static final int SIGN = 1 << 18, RESTRICTED = 1 << 16;
  static final int KEY_ATTRIBUTES = (1 << 1) | (1 << 4) | (1 << 5) | (1 << 6); // fixedTPM..userWithAuth

  static byte[] rsaTemplate(int attributes) {
    return rsaTemplate(attributes, new byte[0]);
  }

  /** An RSA-2048 template whose unique field is {@code unique}: a different primary key for each. */
  static byte[] rsaTemplate(int attributes, byte[] unique) {
    ByteBuffer t = ByteBuffer.allocate(64 + unique.length);
    t.putShort((short) 0x0001).putShort((short) 0x000B).putInt(attributes).putShort((short) 0);
    t.putShort((short) 0x0010); // symmetric NULL
    t.putShort((short) 0x0014).putShort((short) 0x000B); // RSASSA-SHA256
    t.putShort((short) 2048).putInt(0); // keyBits, exponent
    t.putShort((short) unique.length).put(unique); // unique
    return Arrays.copyOf(t.array(), t.position());
  }

  static byte[] eccTemplate(int attributes) {
    ByteBuffer t = ByteBuffer.allocate(64);
    t.putShort((short) 0x0023).putShort((short) 0x000B).putInt(attributes).putShort((short) 0);
    t.putShort((short) 0x0010); // symmetric NULL
    t.putShort((short) 0x0018).putShort((short) 0x000B); // ECDSA-SHA256
    t.putShort((short) 0x0003); // NIST P-256
    t.putShort((short) 0x0010); // kdf NULL
    t.putShort((short) 0).putShort((short) 0); // unique x, y
    return Arrays.copyOf(t.array(), t.position());
  }

  static byte[] createPrimary(byte[] template) {
    return new Cmd(0x131)
        .handle(RH_OWNER)
        .pw()
        .u16(4)
        .u16(0)
        .u16(0) // inSensitive: empty userAuth and data
        .b2(template)
        .u16(0) // outsideInfo
        .u32(0) // creationPCR
        .build();
  }

  static byte[] flush(int handle) {
    return new Cmd(0x165).u32(handle).build();
  }

  static final byte[] DIGEST = new byte[32];
  static final byte[] NV_DATA = new byte[NV_BYTES];

  static {
    for (int i = 0; i < 32; i++) {
      DIGEST[i] = (byte) (i * 7);
    }
    for (int i = 0; i < NV_BYTES; i++) {
      NV_DATA[i] = (byte) i;
    }
  }

  static byte[] sign(int key) {
    return new Cmd(0x15D)
        .handle(key)
        .pw()
        .b2(DIGEST)
        .u16(0x0010) // inScheme NULL: the key's
        .u16(0x8024)
        .u32(RH_NULL)
        .u16(0) // a null hash-check ticket
        .build();
  }

  static byte[] pcrSelection0() {
    return new byte[] {0, 0, 0, 1, 0, 0x0B, 3, 1, 0, 0};
  }

  /** What one TPM needs for the operations: keys made once, untimed. */
  static final class Setup {
    int rsaKey = -1, eccKey = -1, quoteKey = -1;
    boolean nv;
    long fresh;
    final java.util.Set<String> unavailable = new java.util.HashSet<>();
  }

  /**
   * An operation: its name, iterations per pass, and untimed warm-up runs before the first pass (so
   * a JIT-compiled server is measured compiled, as it runs in use).
   */
  record Op(String name, int iterations, int warmup, Step step) {}

  /** A unique field for a fresh primary key: the k-th of the run, the same k on both TPMs. */
  static byte[] uniqueOf(long k) {
    return ByteBuffer.allocate(8).putLong(k).array();
  }

  interface Step {
    /** Runs the operation once; returns its nanoseconds, or -1 if not implemented. */
    long run(Tpm tpm, Setup s) throws IOException;
  }

  static final int RC_RETRY = 0x922, RC_YIELDED = 0x908, RC_TESTING = 0x90A;

  static long timed(Tpm tpm, byte[] command, int[] handleOut) throws IOException {
    long t0, ns;
    byte[] r;
    int rc;
    int attempts = 0;
    do { // a TPM may ask for a command again (Part 2 §6.6.3, TPM_RC_RETRY): time the last try
      t0 = System.nanoTime();
      r = tpm.execute(command);
      ns = System.nanoTime() - t0;
      rc = rc(r);
    } while ((rc == RC_RETRY || rc == RC_YIELDED || rc == RC_TESTING) && ++attempts < 10);
    if (rc == RC_COMMAND_CODE) {
      return -1;
    }
    if (rc != RC_SUCCESS) {
      throw new IOException(tpm.name + ": command 0x" + HexFormat.of().toHexDigits(ByteBuffer.wrap(command, 6, 4).getInt()) + " failed with 0x" + Integer.toHexString(rc));
    }
    if (handleOut != null) {
      handleOut[0] = handleOf(r);
    }
    return ns;
  }

  static long createAndFlush(Tpm tpm, byte[] command) throws IOException {
    int[] h = new int[1];
    long ns = timed(tpm, command, h);
    if (ns >= 0) {
      tpm.execute(flush(h[0]));
    }
    return ns;
  }

  static void prepare(Tpm tpm, Setup s) throws IOException {
    int rc = rc(tpm.execute(new Cmd(0x144).u16(0).build()));
    if (rc != RC_SUCCESS && rc != RC_INITIALIZE) {
      throw new IOException(tpm.name + ": Startup failed with 0x" + Integer.toHexString(rc));
    }
    tpm.execute(new Cmd(0x122).handle(RH_OWNER).handle(NV_INDEX).pw().build()); // leftover
    ByteBuffer pub = ByteBuffer.allocate(32);
    pub.putInt(NV_INDEX).putShort((short) 0x000B).putInt(0x00020002).putShort((short) 0).putShort((short) NV_BYTES);
    byte[] nvPublic = Arrays.copyOf(pub.array(), pub.position());
    s.nv = timed(tpm, new Cmd(0x12A).handle(RH_OWNER).pw().u16(0).b2(nvPublic).build(), null) >= 0;
  }

  /**
   * The key an operation uses, created (untimed) on first use; -1 if the TPM cannot create it.
   * Keys are flushed after each operation's runs: swtpm holds three transient objects.
   */
  static int key(Tpm tpm, Setup s, String which) throws IOException {
    int current =
        switch (which) {
          case "rsa" -> s.rsaKey;
          case "ecc" -> s.eccKey;
          default -> s.quoteKey;
        };
    if (current != -1 || s.unavailable.contains(which)) {
      return current;
    }
    byte[] template =
        switch (which) {
          case "rsa" -> rsaTemplate(KEY_ATTRIBUTES | SIGN);
          case "ecc" -> eccTemplate(KEY_ATTRIBUTES | SIGN);
          default -> eccTemplate(KEY_ATTRIBUTES | SIGN | RESTRICTED);
        };
    int[] h = new int[1];
    if (timed(tpm, createPrimary(template), h) < 0) {
      s.unavailable.add(which);
      return -1;
    }
    switch (which) {
      case "rsa" -> s.rsaKey = h[0];
      case "ecc" -> s.eccKey = h[0];
      default -> s.quoteKey = h[0];
    }
    return h[0];
  }

  static void flushKeys(Tpm tpm, Setup s) throws IOException {
    for (int h : new int[] {s.rsaKey, s.eccKey, s.quoteKey}) {
      if (h != -1) {
        tpm.execute(flush(h));
      }
    }
    s.rsaKey = s.eccKey = s.quoteKey = -1;
  }

  static void cleanUp(Tpm tpm, Setup s) throws IOException {
    flushKeys(tpm, s);
    if (s.nv) {
      tpm.execute(new Cmd(0x122).handle(RH_OWNER).handle(NV_INDEX).pw().build());
    }
  }

  public static void main(String[] args) throws Exception {
    double scale = args.length > 2 ? Double.parseDouble(args[2]) : 1.0;
    int passes = args.length > 3 ? Integer.parseInt(args[3]) : 3;
    byte[] nonce = Arrays.copyOf(DIGEST, 32);
    List<Op> ops =
        List.of(
            new Op("PCR_Extend", 1000, 5000, (t, s) -> timed(t, new Cmd(0x182).handle(16).pw().u32(1).u16(0x000B).bytes(DIGEST).build(), null)),
            new Op("PCR_Read", 1000, 5000, (t, s) -> timed(t, new Cmd(0x17E).bytes(pcrSelection0()).build(), null)),
            new Op("GetRandom(32)", 1000, 5000, (t, s) -> timed(t, new Cmd(0x17B).u16(32).build(), null)),
            new Op("CreatePrimary RSA-2048", 8, 2, (t, s) -> createAndFlush(t, createPrimary(rsaTemplate(KEY_ATTRIBUTES | SIGN)))),
            new Op("CreatePrimary RSA-2048 new", 10, 1, (t, s) -> createAndFlush(t, createPrimary(rsaTemplate(KEY_ATTRIBUTES | SIGN, uniqueOf(s.fresh++))))),
            new Op("CreatePrimary ECC P-256", 100, 300, (t, s) -> createAndFlush(t, createPrimary(eccTemplate(KEY_ATTRIBUTES | SIGN)))),
            new Op("ECDSA P-256 Sign", 200, 1000, (t, s) -> key(t, s, "ecc") == -1 ? -1 : timed(t, sign(s.eccKey), null)),
            new Op("RSA-2048 Sign", 100, 300, (t, s) -> key(t, s, "rsa") == -1 ? -1 : timed(t, sign(s.rsaKey), null)),
            new Op("Quote (ECDSA P-256)", 200, 1000, (t, s) -> key(t, s, "quote") == -1 ? -1 : timed(t, new Cmd(0x158).handle(s.quoteKey).pw().u16(0).u16(0x0010).bytes(pcrSelection0()).build(), null)),
            new Op("NV_Write 1 KiB", 200, 200, (t, s) -> !s.nv ? -1 : timed(t, new Cmd(0x137).handle(RH_OWNER).handle(NV_INDEX).pw().b2(NV_DATA).u16(0).build(), null)),
            new Op("NV_Read 1 KiB", 1000, 5000, (t, s) -> !s.nv ? -1 : timed(t, new Cmd(0x14E).handle(RH_OWNER).handle(NV_INDEX).pw().u16(NV_BYTES).u16(0).build(), null)),
            new Op("StartAuthSession", 1000, 5000, (t, s) -> {
              int[] h = new int[1];
              long ns = timed(t, new Cmd(0x176).handle(RH_NULL).handle(RH_NULL).b2(nonce).u16(0).u8(0).u16(0x0010).u16(0x000B).build(), h);
              if (ns >= 0) {
                t.execute(flush(h[0]));
              }
              return ns;
            }));

    try (Tpm parasol = new Tpm("parasol", args[0]);
        Tpm swtpm = new Tpm("swtpm", args[1])) {
      Tpm[] tpms = {parasol, swtpm};
      Setup[] setups = {new Setup(), new Setup()};
      for (int i = 0; i < 2; i++) {
        prepare(tpms[i], setups[i]);
      }
      Map<String, List<List<Long>>> samples = new LinkedHashMap<>();
      Map<String, boolean[]> missingByOp = new LinkedHashMap<>();
      // Warm-up: every operation on both TPMs, alternating, untimed.
      for (Op op : ops) {
        boolean[] missing = missingByOp.computeIfAbsent(op.name(), k -> new boolean[2]);
        int w = (int) Math.ceil(op.warmup() * Math.min(1.0, scale));
        for (int k = 0; k < w; k++) {
          for (int i = 0; i < 2; i++) {
            if (!missing[i] && op.step().run(tpms[i], setups[i]) < 0) {
              missing[i] = true;
            }
          }
        }
        for (int i = 0; i < 2; i++) {
          flushKeys(tpms[i], setups[i]);
        }
      }
      for (int pass = 0; pass < passes; pass++) {
        for (Op op : ops) {
          int n = Math.max(3, (int) Math.round(op.iterations() * scale));
          int warmup = Math.max(1, n / 5);
          List<List<Long>> all =
              samples.computeIfAbsent(op.name(), k -> List.of(new ArrayList<>(), new ArrayList<>()));
          boolean[] missing = missingByOp.computeIfAbsent(op.name(), k -> new boolean[2]);
          for (int k = -warmup; k < n; k++) {
            for (int i = 0; i < 2; i++) {
              if (missing[i]) {
                continue;
              }
              long ns = op.step().run(tpms[i], setups[i]);
              if (ns < 0) {
                missing[i] = true;
              } else if (k >= 0) {
                all.get(i).add(ns);
              }
            }
          }
          for (int i = 0; i < 2; i++) {
            flushKeys(tpms[i], setups[i]);
          }
        }
      }
      System.out.printf("%-26s %22s %22s %8s%n", "operation (median µs)", "parasol", "swtpm", "ratio");
      for (Op op : ops) {
        boolean[] missing = missingByOp.get(op.name());
        String[] cells = new String[2];
        double[] medians = new double[2];
        int n = 0;
        for (int i = 0; i < 2; i++) {
          if (missing[i]) {
            cells[i] = "n/a (not implemented)";
          } else {
            long[] t = samples.get(op.name()).get(i).stream().mapToLong(Long::longValue).sorted().toArray();
            n = t.length;
            medians[i] = (n % 2 == 1 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2.0) / 1000.0;
            cells[i] = "%.1f".formatted(medians[i]);
          }
        }
        String ratio = missing[0] || missing[1] ? "-" : "%.2f×".formatted(medians[0] / medians[1]);
        System.out.printf("%-26s %22s %22s %8s   (n=%d)%n", op.name(), cells[0], cells[1], ratio, n);
      }
      for (int i = 0; i < 2; i++) {
        cleanUp(tpms[i], setups[i]);
      }
    }
  }
}
