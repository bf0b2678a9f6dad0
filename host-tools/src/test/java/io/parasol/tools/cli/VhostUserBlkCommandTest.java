package io.parasol.tools.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code parasol vhost-user blk}: options, a missing image, and a front end's first question. */
class VhostUserBlkCommandTest {
  /** {@code parasol vhost-user blk} running on a thread of its own, as its main would run it. */
  private static final class Served {
    final VhostUserBlkCommand command = new VhostUserBlkCommand();
    final StringWriter out = new StringWriter();
    final AtomicInteger exit = new AtomicInteger(-1);
    final Thread thread;

    Served(String... args) {
      CommandLine cli = new CommandLine(command);
      cli.setOut(new PrintWriter(out, true));
      thread = Thread.ofPlatform().start(() -> exit.set(cli.execute(args)));
    }

    /** Stops the server as SIGINT would; its exit code. */
    int stop() throws InterruptedException {
      command.stop();
      thread.join(20_000);
      return exit.get();
    }
  }

  /** A connection to the server at {@code socket} once it listens (within 20 s). */
  static SocketChannel connectWhenListening(Path socket) throws Exception {
    long deadline = System.nanoTime() + 20_000_000_000L;
    // The socket file appears at bind(), a moment before listen(): connect until it is accepted.
    while (true) {
      assertTrue(System.nanoTime() < deadline, "the server listens on " + socket);
      try {
        return SocketChannel.open(UnixDomainSocketAddress.of(socket));
      } catch (java.net.ConnectException | java.nio.file.NoSuchFileException e) {
        Thread.sleep(10);
      } catch (java.io.IOException e) {
        if (Files.exists(socket)) {
          throw e;
        }
        Thread.sleep(10);
      }
    }
  }

  @Test
  void socketAndImageAreRequired() {
    MainTest.Result r = MainTest.parasol("vhost-user", "blk", "--socket", "/tmp/x.sock");
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("--image"), r.err());
    MainTest.Result help = MainTest.parasol("vhost-user", "blk", "--help");
    assertEquals(0, help.exitCode());
    assertTrue(help.out().contains("vhost-user-blk-pci"), help.out());
  }

  @Test
  void aMissingImageIsOneSentenceAndExitCode1(@TempDir Path dir) {
    MainTest.Result r =
        MainTest.parasol(
            "vhost-user",
            "blk",
            "--socket",
            dir.resolve("s").toString(),
            "--image",
            dir.resolve("absent.raw").toString());
    assertEquals(1, r.exitCode());
    assertTrue(r.err().contains("cannot open the image"), r.err());
    assertTrue(r.err().contains("ENOENT"), r.err());
  }

  @Test
  void itAnswersAFrontEndAndStopsCleanly(@TempDir Path dir) throws Exception {
    Path image = dir.resolve("disk.raw");
    Files.write(image, new byte[1 << 20]);
    Path socket = dir.resolve("blk.sock");
    Served served =
        new Served(
            "--socket",
            socket.toString(),
            "--image",
            image.toString(),
            "--queues",
            "2",
            "--bounce");
    SocketChannel connected = connectWhenListening(socket);
    try (SocketChannel c = connected) {
      // VHOST_USER_GET_QUEUE_NUM (17), version 1, no payload.
      ByteBuffer req = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
      req.putInt(17).putInt(1).putInt(0).flip();
      c.write(req);
      ByteBuffer reply = ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN);
      while (reply.hasRemaining() && c.read(reply) >= 0) {
        // read the whole reply
      }
      reply.flip();
      assertEquals(17, reply.getInt(0));
      assertEquals(5, reply.getInt(4), "version 1 | REPLY");
      assertEquals(8, reply.getInt(8));
      assertEquals(2, reply.getLong(12), "two queues");
    }
    assertEquals(0, served.stop());
    assertTrue(served.out.toString().contains("as vhost-user-blk on"), served.out.toString());
  }

  @Test
  void benchDrivesTheServerAsAFrontEnd(@TempDir Path dir) throws Exception {
    Path image = dir.resolve("disk.raw");
    Files.write(image, new byte[4 << 20]);
    Path socket = dir.resolve("blk.sock");
    Served served =
        new Served("--socket", socket.toString(), "--image", image.toString(), "--bounce");
    connectWhenListening(socket).close(); // it listens; it then waits for the next front end
    try {
      for (String rw : new String[] {"read", "write", "randread"}) {
        MainTest.Result r =
            MainTest.parasol(
                "bench",
                "vhost-user-blk",
                "--socket",
                socket.toString(),
                "--rw",
                rw,
                "--bs",
                "64k",
                "--iodepth",
                "4",
                "--seconds",
                "0.3",
                "--warmup",
                "0.1");
        assertEquals(0, r.exitCode(), r.err());
        String[] f = r.out().strip().split(" ");
        assertEquals(4, f.length, r.out());
        assertEquals("BENCH-BLK", f[0]);
        assertEquals(rw, f[1]);
        assertTrue(Double.parseDouble(f[2]) > 0 && Double.parseDouble(f[3]) > 0, r.out());
      }
      MainTest.Result bad =
          MainTest.parasol(
              "bench", "vhost-user-blk", "--socket", socket.toString(), "--bs", "1000");
      assertEquals(1, bad.exitCode(), bad.err());
      assertTrue(bad.err().contains("whole sectors"), bad.err());
      MainTest.Result wrong =
          MainTest.parasol(
              "bench", "vhost-user-blk", "--socket", socket.toString(), "--rw", "trim");
      assertEquals(2, wrong.exitCode(), wrong.err());
      assertTrue(wrong.err().contains("read, write or randread"), wrong.err());
      MainTest.Result absent =
          MainTest.parasol("bench", "vhost-user-blk", "--socket", dir.resolve("none").toString());
      assertEquals(1, absent.exitCode(), absent.err());
    } finally {
      assertEquals(0, served.stop());
    }
  }
}
