package io.parasol.tpm.server;

import io.parasol.tpm.Tpm;
import io.parasol.tpm.state.AnchorFileCounter;
import io.parasol.tpm.state.KeyFileStateKeyProvider;
import io.parasol.tpm.state.TpmStateCorruptException;
import io.parasol.tpm.state.TpmStateException;
import io.parasol.tpm.state.TpmStateStore;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A served vTPM: one {@link Tpm} engine, its sealed persistent state ({@link TpmStateStore}) and
 * the socket servers that reach it ({@link MssimServer}, {@link SwtpmServer}), wired together and
 * stopped together. {@code parasol tpm serve} is this class behind a command line; the paravisor
 * embeds the same wiring with its own front end.
 *
 * <h2>State</h2>
 *
 * <p>With a state directory, {@link Builder#start} opens the store (which verifies the file's key,
 * integrity and freshness) and restores the engine from it, or manufactures a new TPM (fresh seeds
 * and proofs, TPM 2.0 Part 1 §14) when the directory holds no state yet and saves it at once, so
 * the seeds are fixed from the first start. After that the state is saved
 *
 * <ul>
 *   <li>after every command that changed persistent state (the engine's {@linkplain
 *       Tpm#setPersistenceListener persistence listener}: NV-attribute commands and those that
 *       report a change, such as TPM2_Shutdown(STATE), whose saved volatile state is part of it),
 *       before the command's response leaves the server, as a TPM's NV write completes before its
 *       response;
 *   <li>once more at {@link #close}, so the clock and counters carried forward are the latest.
 * </ul>
 *
 * <p>If a save fails, the TPM goes into failure mode (every command answered {@code
 * TPM_RC_FAILURE}, {@link SerializedTpm#forceFailureMode}) rather than go on with a state that is
 * no longer durable; {@link #saveFailure} says why.
 *
 * <p>The state key is a key file ({@link KeyFileStateKeyProvider}, created mode 0600 if missing)
 * and the rollback anchor ({@link AnchorFileCounter}) sits next to it. Both default to the
 * <em>parent</em> of the state directory, as {@code NAME.key} and {@code NAME.key.anchor} for a
 * state directory {@code NAME} ({@link #defaultKeyFile}): kept outside the directory, a copy of the
 * state directory alone neither carries the key nor rolls back the anchor.
 *
 * <p>An <em>ephemeral</em> service keeps its TPM in memory only: manufactured at start, gone at
 * {@link #close}.
 */
public final class TpmService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TpmService.class);

  /** The suffix of the default key file's name, after the state directory's name. */
  public static final String KEY_FILE_SUFFIX = ".key";

  /** The suffix of the rollback anchor's name, after the key file's name. */
  public static final String ANCHOR_FILE_SUFFIX = ".anchor";

  private final Tpm engine;
  private final SerializedTpm tpm;
  private final TpmStateStore store;
  private final boolean manufactured;
  private final List<MssimServer> mssimServers = new ArrayList<>();
  private final List<SwtpmServer> swtpmServers = new ArrayList<>();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile TpmStateException saveFailure;
  private boolean closed;

  private TpmService(Tpm engine, TpmStateStore store, boolean manufactured) {
    this.engine = engine;
    this.tpm = new SerializedTpm(engine, engine);
    this.store = store;
    this.manufactured = manufactured;
  }

  /** Configures a service: state, listening endpoints, server options. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The key file used for {@code stateDirectory} when none is given: {@code NAME.key} beside the
   * directory {@code NAME}, e.g. {@code /var/lib/parasol/vtpm.key} for {@code
   * /var/lib/parasol/vtpm}.
   *
   * @throws IllegalArgumentException if the directory is a file-system root (it has no parent)
   */
  public static Path defaultKeyFile(Path stateDirectory) {
    Path dir = stateDirectory.toAbsolutePath().normalize();
    if (dir.getParent() == null || dir.getFileName() == null) {
      throw new IllegalArgumentException(
          "the vTPM state directory cannot be a file-system root (" + dir + ")");
    }
    return dir.resolveSibling(dir.getFileName() + KEY_FILE_SUFFIX);
  }

  /**
   * The rollback anchor kept next to {@code keyFile}: its name plus {@value #ANCHOR_FILE_SUFFIX}.
   */
  public static Path anchorFileFor(Path keyFile) {
    Path key = keyFile.toAbsolutePath().normalize();
    return key.resolveSibling(key.getFileName() + ANCHOR_FILE_SUFFIX);
  }

  /** Builds and starts a {@link TpmService}. */
  public static final class Builder {
    private Path stateDirectory;
    private Path keyFile;
    private boolean ephemeral;
    private TpmServerOptions options = TpmServerOptions.defaults();
    private Supplier<Tpm.Builder> engineBuilder = Tpm::builder;
    private final List<ServerSpec> servers = new ArrayList<>();

    private Builder() {}

    /** Keep the state in {@code directory} (created mode 0700 if missing). */
    public Builder stateDirectory(Path directory) {
      this.stateDirectory = Objects.requireNonNull(directory, "directory");
      return this;
    }

    /** The state key file (default: {@link #defaultKeyFile}); created if missing. */
    public Builder keyFile(Path file) {
      this.keyFile = Objects.requireNonNull(file, "file");
      return this;
    }

    /** Keep the TPM in memory only: no state directory, nothing saved. */
    public Builder ephemeral() {
      this.ephemeral = true;
      return this;
    }

    /** How the servers behave (default: {@link TpmServerOptions#defaults()}). */
    public Builder options(TpmServerOptions serverOptions) {
      this.options = Objects.requireNonNull(serverOptions, "serverOptions");
      return this;
    }

    /** Where new engines come from (default: {@link Tpm#builder()}), e.g. to set their clock. */
    public Builder engine(Supplier<Tpm.Builder> builder) {
      this.engineBuilder = Objects.requireNonNull(builder, "builder");
      return this;
    }

    /** An mssim server on TCP: TPM port {@code port}, platform port + 1 (0: a free pair). */
    public Builder mssimTcp(InetAddress address, int port) {
      servers.add(new ServerSpec.MssimTcp(address, port));
      return this;
    }

    /** An mssim server on Unix sockets: {@code path} and {@code path.ctrl}. */
    public Builder mssimUnix(Path path) {
      servers.add(new ServerSpec.MssimUnix(path));
      return this;
    }

    /**
     * A swtpm server on TCP: data channel on {@code dataPort}, control channel on {@code
     * controlPort}; both 0 picks a free consecutive pair (data, data + 1).
     */
    public Builder swtpmTcp(InetAddress address, int dataPort, int controlPort) {
      servers.add(new ServerSpec.SwtpmTcp(address, dataPort, controlPort));
      return this;
    }

    /** A swtpm server on Unix sockets: data at {@code path}, control at {@code path.ctrl}. */
    public Builder swtpmUnix(Path path) {
      servers.add(new ServerSpec.SwtpmUnix(path));
      return this;
    }

    /**
     * Loads (or manufactures) the TPM and starts every server. On failure nothing is left open.
     *
     * @throws TpmStateException if the state cannot be used: its subclasses say why (rolled back,
     *     corrupt, unknown format, wrong or unusable key), the base class for I/O errors and a
     *     state directory in use by another process
     * @throws IOException if a server cannot listen where asked
     * @throws IllegalStateException if neither a state directory nor ephemeral was chosen, or both
     */
    public TpmService start() throws TpmStateException, IOException {
      if (ephemeral == (stateDirectory != null)) {
        throw new IllegalStateException("choose either a state directory or an ephemeral TPM");
      }
      TpmService service = ephemeral ? ephemeralService() : persistentService();
      try {
        for (ServerSpec spec : servers) {
          service.startServer(spec, options);
        }
      } catch (IOException | RuntimeException e) {
        service.close();
        throw e;
      }
      return service;
    }

    private TpmService ephemeralService() {
      return new TpmService(engineBuilder.get().build(), null, true);
    }

    private TpmService persistentService() throws TpmStateException {
      Path key = keyFile != null ? keyFile : defaultKeyFile(stateDirectory);
      KeyFileStateKeyProvider keys = KeyFileStateKeyProvider.createIfMissing(key);
      AnchorFileCounter anchor = new AnchorFileCounter(anchorFileFor(key), keys);
      TpmStateStore store = TpmStateStore.open(stateDirectory, keys, anchor);
      try {
        Optional<byte[]> saved = store.load();
        Tpm engine;
        if (saved.isPresent()) {
          try {
            engine = engineBuilder.get().restore(saved.get());
          } catch (IllegalArgumentException e) {
            throw new TpmStateCorruptException(
                "vTPM state "
                    + store.stateFile()
                    + " authenticates but does not hold a valid TPM state: "
                    + e.getMessage(),
                e);
          }
        } else {
          engine = engineBuilder.get().build();
        }
        TpmService service = new TpmService(engine, store, saved.isEmpty());
        if (saved.isEmpty()) {
          store.save(engine.saveState());
          LOG.info("manufactured a new vTPM in {}", stateDirectory);
        }
        engine.setPersistenceListener(service::saveFromListener);
        return service;
      } catch (TpmStateException | RuntimeException e) {
        store.close();
        throw e;
      }
    }
  }

  /** Where and how one server listens. */
  private sealed interface ServerSpec {
    record MssimTcp(InetAddress address, int port) implements ServerSpec {}

    record MssimUnix(Path path) implements ServerSpec {}

    record SwtpmTcp(InetAddress address, int dataPort, int controlPort) implements ServerSpec {}

    record SwtpmUnix(Path path) implements ServerSpec {}
  }

  private void startServer(ServerSpec spec, TpmServerOptions options) throws IOException {
    switch (spec) {
      case ServerSpec.MssimTcp s ->
          watch(mssimServers, MssimServer.startTcp(tpm, s.address(), s.port(), options));
      case ServerSpec.MssimUnix s ->
          watch(mssimServers, MssimServer.startUnix(tpm, s.path(), options));
      case ServerSpec.SwtpmTcp s -> {
        SwtpmServer server =
            s.dataPort() == 0 && s.controlPort() == 0
                ? SwtpmServer.startTcp(tpm, s.address(), 0, options)
                : SwtpmServer.start(
                    tpm,
                    new Endpoint.Tcp(s.address(), s.dataPort()),
                    new Endpoint.Tcp(s.address(), s.controlPort()),
                    options);
        watch(swtpmServers, server);
      }
      case ServerSpec.SwtpmUnix s ->
          watch(swtpmServers, SwtpmServer.startUnix(tpm, s.path(), options));
    }
  }

  /** Keeps {@code server} and ends the service when it stops (a client's STOP or CMD_SHUTDOWN). */
  private <S extends AutoCloseable> void watch(List<S> list, S server) {
    synchronized (this) {
      list.add(server);
    }
    Thread.ofPlatform()
        .daemon()
        .name("tpm-service-watch")
        .start(
            () -> {
              try {
                switch (server) {
                  case MssimServer m -> m.awaitStop();
                  case SwtpmServer s -> s.awaitStop();
                  default -> throw new IllegalStateException("not a TPM server: " + server);
                }
                stopped.countDown();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
  }

  /** Runs under the engine's lock after a command changed persistent state. */
  private void saveFromListener() {
    if (saveFailure != null) {
      return;
    }
    try {
      store.save(engine.saveState());
    } catch (TpmStateException | RuntimeException e) {
      TpmStateException failure =
          e instanceof TpmStateException s
              ? s
              : new TpmStateException("cannot save the vTPM state: " + e.getMessage(), e);
      saveFailure = failure;
      // DEVNOTE: the command that triggered this save has already succeeded in memory; the TPM
      // stops answering rather than let a client build on a state that a restart would lose.
      tpm.forceFailureMode();
      LOG.error(
          "vTPM state could not be saved; the TPM is now in failure mode: {}", e.getMessage());
    }
  }

  /** The engine itself (its lock is the command lock). */
  public Tpm engine() {
    return engine;
  }

  /** The engine behind the servers' lock: where an embedding front end sends its commands. */
  public SerializedTpm tpm() {
    return tpm;
  }

  /** True if this start manufactured a new TPM (always, when ephemeral). */
  public boolean manufactured() {
    return manufactured;
  }

  /** True if the TPM lives in memory only. */
  public boolean ephemeral() {
    return store == null;
  }

  /** The sealed state file, or empty when ephemeral. */
  public Optional<Path> stateFile() {
    return store == null ? Optional.empty() : Optional.of(store.stateFile());
  }

  /** The generation of the state file as last saved or loaded; 0 when ephemeral. */
  public long stateGeneration() {
    return store == null ? 0 : store.generation();
  }

  /** The mssim servers, in the order they were asked for. */
  public synchronized List<MssimServer> mssimServers() {
    return List.copyOf(mssimServers);
  }

  /** The swtpm servers, in the order they were asked for. */
  public synchronized List<SwtpmServer> swtpmServers() {
    return List.copyOf(swtpmServers);
  }

  /** Why the state could not be saved, if a save has failed (the TPM is then in failure mode). */
  public Optional<TpmStateException> saveFailure() {
    return Optional.ofNullable(saveFailure);
  }

  /**
   * Saves the state now, under the command lock (a no-op when ephemeral).
   *
   * @throws TpmStateException if it cannot be written
   */
  public void save() throws TpmStateException {
    if (store == null) {
      return;
    }
    TpmStateException[] failure = new TpmStateException[1];
    engine.withLock(
        () -> {
          try {
            store.save(engine.saveState());
          } catch (TpmStateException e) {
            failure[0] = e;
          }
          return null;
        });
    if (failure[0] != null) {
      throw failure[0];
    }
  }

  /** Blocks until {@link #close} is called or a server is stopped by its client. */
  public void awaitStop() throws InterruptedException {
    stopped.await();
  }

  /**
   * Stops the servers, saves the state a last time and releases the state directory. Idempotent. A
   * failure of the last save is logged and kept in {@link #saveFailure}.
   */
  @Override
  public void close() {
    List<AutoCloseable> servers;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      servers = new ArrayList<>(mssimServers);
      servers.addAll(swtpmServers);
    }
    for (AutoCloseable server : servers) {
      try {
        server.close();
      } catch (Exception e) {
        LOG.warn("cannot stop TPM server {}: {}", server, e.getMessage());
      }
    }
    if (store != null) {
      try {
        save();
        LOG.info("vTPM state saved at generation {}", store.generation());
      } catch (TpmStateException e) {
        if (saveFailure == null) {
          saveFailure = e;
        }
        LOG.error("vTPM state could not be saved at stop: {}", e.getMessage());
      } finally {
        store.close();
      }
    }
    stopped.countDown();
  }
}
