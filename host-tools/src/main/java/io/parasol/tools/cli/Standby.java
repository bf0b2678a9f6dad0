package io.parasol.tools.cli;

import io.parasol.isolation.kvm.sys.ErrnoException;
import io.parasol.isolation.kvm.sys.LibC;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A {@code parasol run} that has started, trained and is waiting for its command line: the state a
 * start-up snapshot holds (the launcher's {@code parasol prepare}, with CRIU, where the kernel
 * allows it). Where the CPU is slow, starting the JVM, linking its native calls and building the
 * CLI's model take seconds before a VM exists; a process restored from this state has done all of
 * that, and its run path is already compiled.
 *
 * <p>The standby process runs the training command line given to it (the launcher's ten-byte guest
 * that powers off at once, so every class a VM needs is loaded, initialised and compiled), prints
 * {@link #READY}, and then reads its request file until it holds a request. The launcher snapshots
 * it then, while the file is still empty. A restore replaces that file, and the process's three
 * standard streams, with the caller's (CRIU's {@code --inherit-fd}), so the restored process finds
 * the caller's request at once and runs it as a fresh {@code parasol run} would, with the caller's
 * terminal.
 *
 * <p>A request is NUL-terminated UTF-8 fields: {@link #MAGIC}, the caller's working directory, the
 * file that receives the exit code (the launcher's only way to learn it: CRIU does not pass it on),
 * then the command line's words.
 */
final class Standby {
  static final String MAGIC = "parasol-request-1";
  static final String READY = "parasol: standby ready";
  private static final int SIGINT = 2;
  private static final long POLL_MILLIS = 2;

  private Standby() {}

  /** A caller's request. */
  record Request(Path workingDirectory, Path statusFile, List<String> args) {
    /** Parses a request; says what is wrong with one that is malformed. */
    static Request parse(byte[] bytes) {
      List<String> fields = new ArrayList<>();
      int start = 0;
      for (int i = 0; i < bytes.length; i++) {
        if (bytes[i] == 0) {
          fields.add(new String(bytes, start, i - start, StandardCharsets.UTF_8));
          start = i + 1;
        }
      }
      if (start != bytes.length) {
        throw new IllegalArgumentException("the request's last field is not NUL-terminated");
      }
      if (fields.size() < 3 || !fields.get(0).equals(MAGIC)) {
        throw new IllegalArgumentException("not a Parasol request (" + MAGIC + " expected)");
      }
      Path cwd = Path.of(fields.get(1));
      Path status = Path.of(fields.get(2));
      if (!cwd.isAbsolute() || !status.isAbsolute()) {
        throw new IllegalArgumentException(
            "the request's directory and status file must be absolute");
      }
      return new Request(cwd, status, List.copyOf(fields.subList(3, fields.size())));
    }

    /** The request's bytes, as the launcher writes them. */
    byte[] encode() {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      List<String> fields =
          new ArrayList<>(List.of(MAGIC, workingDirectory.toString(), statusFile.toString()));
      fields.addAll(args);
      for (String field : fields) {
        out.writeBytes(field.getBytes(StandardCharsets.UTF_8));
        out.write(0);
      }
      return out.toByteArray();
    }
  }

  /**
   * {@code parasol --standby REQUEST-FILE TRAINING-ARGS...}: trains, says it is ready, waits for a
   * request and runs it. Returns the request's exit code, or 1 for a failed training.
   */
  static int run(String requestFile, String... training) throws IOException, InterruptedException {
    try (InputStream requests = Files.newInputStream(Path.of(requestFile))) {
      int trained;
      try (PrintWriter quiet = new PrintWriter(Writer.nullWriter())) {
        trained = Main.execute(quiet, new PrintWriter(System.err, true), training);
      }
      if (trained != 0) {
        System.err.println(
            "parasol: the standby's training run "
                + Arrays.toString(training)
                + " ended with "
                + trained);
        return 1;
      }
      // What the training left on the heap need not be in the snapshot.
      System.gc();
      System.out.println(READY);
      System.out.flush();
      return serve(await(requests));
    }
  }

  /**
   * Reads {@code requests} until it holds a whole request: an empty file (the snapshot's) reads as
   * end-of-file until a restore puts the caller's in its place.
   */
  static Request await(InputStream requests) throws IOException, InterruptedException {
    while (true) {
      byte[] bytes = requests.readAllBytes();
      if (bytes.length > 0) {
        return Request.parse(bytes);
      }
      Thread.sleep(POLL_MILLIS);
    }
  }

  /** Runs a restored caller's request as its own {@code parasol} command, and reports the code. */
  private static int serve(Request request) throws IOException {
    int code;
    try {
      // The launcher waits for CRIU, CRIU for this process: if they are killed, stop the VM as
      // Ctrl-C does (RunCommand's SIGINT handler) rather than run on without anyone to report to.
      LibC.setParentDeathSignal(SIGINT);
      LibC.chdir(request.workingDirectory().toString());
      Main.callerDirectory = request.workingDirectory();
      code = Main.execute(request.args().toArray(String[]::new));
    } catch (ErrnoException e) {
      System.err.println("parasol: " + Main.sentence(e));
      code = 1;
    }
    Files.writeString(request.statusFile(), code + "\n");
    return code;
  }
}
