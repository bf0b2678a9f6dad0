package io.parasol.tests;

import static io.parasol.tests.LabTranscript.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * {@code parasol run --net tap:NAME} with the stock Debian cloud kernel, in the nested lab as
 * {@link LinuxLabIT} is: the test makes a network namespace with a TAP interface in it whose host
 * side is the peer 10.0.2.1 (the kernel's stack in that namespace, and two busybox {@code nc}
 * listeners), and runs Parasol in that namespace, where it attaches to the TAP the "user" made. The
 * guest loads virtio_net from its initramfs, finds the NIC by PCI enumeration, pings the peer,
 * sends it 1 MiB and receives 1 MiB over TCP; both sides print the SHA-256 of what they sent and
 * got, and the test compares them. The same run gives the guest a virtio console ({@code --vconsole
 * file:PATH}), to which it writes the checksum of what it sent. A second run does it all again in
 * confidential mode ({@code --bounce}: the NIC's buffers in a bounce memfd, which the test finds in
 * Parasol's mappings) with the console on a Unix socket ({@code --vconsole unix:PATH}) that a
 * {@code socat} client reads.
 */
@Tag("lab")
@Execution(ExecutionMode.CONCURRENT) // beside the other lab sessions: see tests/pom.xml
class NetLabIT {
  private static final long LAB_TIME_LIMIT_SECONDS = 600;
  private static String transcript;

  /**
   * The peer's namespace and TAP, the listeners, then a bounded {@code parasol run} in that
   * namespace ({@link LabSession#RUN_FUNCTION}) and what the peer got; then the same again with
   * {@code --bounce}, watching Parasol's mappings while the guest runs.
   */
  private static final String SCRIPT =
      LabSession.RUN_FUNCTION
          + """
      bb=$PWD/target/images/unpacked/busybox/bin/busybox
      ns=parasol-peer
      RUN_PREFIX="ip netns exec $ns"
      ip netns add $ns
      ip -n $ns link set lo up
      ip -n $ns tuntap add dev ptap0 mode tap
      ip -n $ns addr add 10.0.2.1/24 dev ptap0
      ip -n $ns link set ptap0 up
      head -c 1048576 /dev/urandom > /tmp/peer-sends.bin
      echo "peer-sends-sha256=$(sha256sum < /tmp/peer-sends.bin | cut -d' ' -f1)"
      # The receiving listener's stdin stays open (a FIFO it holds itself): EOF there would make
      # nc half-close the connection before the guest has sent everything.
      mkfifo /tmp/peer-hold
      # listen FILE: the peer takes what the guest sends on port 5000 into FILE and serves
      # /tmp/peer-sends.bin on port 5001.
      listen() {
        ip netns exec $ns sh -c "exec 3<>/tmp/peer-hold; exec $bb nc -l -p 5000 <&3 > $1" &
        receiver=$!
        ip netns exec $ns $bb nc -l -p 5001 < /tmp/peer-sends.bin > /dev/null &
        sender=$!
      }
      listen /tmp/peer-got.bin
      rm -f /tmp/parasol-vcon.log
      # vsock: the host listens on PATH_5000 for the guest, and connects to PATH for guest port
      # 5001 (CONNECT 5001) until the guest listens there and answers.
      vs=/tmp/parasol-vsock
      rm -f $vs ${vs}_5000
      socat -u UNIX-LISTEN:${vs}_5000 CREATE:/tmp/host-vsock-got.bin &
      vsock_receiver=$!
      head -c 1048576 /tmp/peer-sends.bin > /tmp/host-vsock-sends.bin
      echo "host-vsock-sends-sha256=$(sha256sum < /tmp/host-vsock-sends.bin | cut -d' ' -f1)"
      (i=0; while [ $i -lt 300 ]; do
        { printf 'CONNECT 5001\\n'; cat /tmp/host-vsock-sends.bin; } |
          socat -t 30 - UNIX-CONNECT:$vs > /tmp/host-vsock-reply.txt 2>/dev/null
        grep -q '^OK' /tmp/host-vsock-reply.txt && break
        sleep 1; i=$((i + 1))
      done) &
      vsock_sender=$!
      run net 300 initramfs-vsock.cpio.gz --no-reboot --tpm none --net tap:ptap0 \\
        --vconsole file:/tmp/parasol-vcon.log --vsock cid=5,uds=$vs \\
        --cmdline "console=ttyS0 quiet parasol.test=net-vsock"
      kill $receiver $sender 2>/dev/null; wait $receiver $sender 2>/dev/null
      echo "peer-got-bytes=$(wc -c < /tmp/peer-got.bin)"
      echo "peer-got-sha256=$(sha256sum < /tmp/peer-got.bin | cut -d' ' -f1)"
      echo "peer-tap=$(ip -n $ns -o link show ptap0 | grep -o 'state [A-Z]*')"
      echo "vconsole-file=$(cat /tmp/parasol-vcon.log)"
      kill $vsock_receiver $vsock_sender 2>/dev/null; wait $vsock_receiver $vsock_sender 2>/dev/null
      echo "host-vsock-got-bytes=$(wc -c < /tmp/host-vsock-got.bin)"
      echo "host-vsock-got-sha256=$(sha256sum < /tmp/host-vsock-got.bin | cut -d' ' -f1)"
      echo "host-vsock-reply=$(head -1 /tmp/host-vsock-reply.txt)"
      # Again in confidential mode (--bounce: the NIC's buffers in a bounce memfd of their own),
      # with the virtio console on a Unix socket that Parasol listens on and a client reads.
      listen /tmp/peer-got-2.bin
      sock=/tmp/parasol-vcon.sock
      rm -f $sock /tmp/parasol-vcon-2.log
      (i=0; while [ $i -lt 600 ]; do
        [ -S $sock ] && socat -u UNIX-CONNECT:$sock CREATE:/tmp/parasol-vcon-2.log 2>/dev/null && break
        sleep 0.1; i=$((i + 1))
      done) &
      vcon=$!
      # Once the guest has its NIC, Parasol's mappings must hold the NIC's bounce memfd.
      bounce_maps=
      run_watch() {
        if [ -z "$bounce_maps" ] && grep -q "net-nic=" $log; then
          bounce_maps=$(grep -c 'memfd:parasol-bounce-net-ptap0' /proc/$1/maps)
        fi
      }
      run bounce 300 initramfs-virtio.cpio.gz --no-reboot --tpm none --net tap:ptap0 --bounce \\
        --vconsole unix:$sock --cmdline "console=ttyS0 quiet parasol.test=net"
      echo "bounce-maps=${bounce_maps:-none}"
      kill $receiver $sender 2>/dev/null; wait $receiver $sender 2>/dev/null
      wait $vcon 2>/dev/null
      echo "bounce-peer-got-bytes=$(wc -c < /tmp/peer-got-2.bin)"
      echo "bounce-peer-got-sha256=$(sha256sum < /tmp/peer-got-2.bin | cut -d' ' -f1)"
      echo "bounce-vconsole-socket=$(cat /tmp/parasol-vcon-2.log)"
      """;

  @BeforeAll
  static void runInTheLab() throws Exception {
    transcript = LabSession.run(SCRIPT, LAB_TIME_LIMIT_SECONDS);
  }

  /** The guest's run, which ended by itself (not killed for a panic or its time limit). */
  private static String guestRun() {
    return guestRun("net");
  }

  private static String guestRun(String name) {
    return LabTranscript.completedSection(transcript, name);
  }

  @Test
  void inConfidentialModeTheNicWorksThroughItsBounceRegionAndHvc0ReachesTheUnixSocket() {
    String run = guestRun("bounce");
    assertEquals("0", text(run, "== RUN bounce exit=(\\d+)"), run);
    // The NIC's buffers were the bounce memfd, mapped into Parasol while the guest ran.
    assertTrue(Long.parseLong(text(transcript, "bounce-maps=(\\d+)")) > 0, transcript);
    assertEquals("0", text(run, "net-ping-exit=(\\d+)"), run);
    assertEquals("0", text(run, "net-send-exit=(\\d+)"), run);
    String sent = text(run, "net-sent-sha256=([0-9a-f]{64})");
    assertEquals(1048576, Long.parseLong(text(transcript, "bounce-peer-got-bytes=(\\d+)")));
    assertEquals(sent, text(transcript, "bounce-peer-got-sha256=([0-9a-f]{64})"), transcript);
    assertEquals("1048576", text(run, "net-receive-exit=\\d+ bytes=(\\d+)"), run);
    assertEquals(
        text(transcript, "peer-sends-sha256=([0-9a-f]{64})"),
        text(run, "net-received-sha256=([0-9a-f]{64})"),
        run);
    // What the guest wrote to hvc0 reached the client of --vconsole unix:PATH.
    assertEquals(
        sent, text(transcript, "bounce-vconsole-socket=vconsole: sent ([0-9a-f]{64})"), transcript);
  }

  @Test
  void theGuestFindsTheNicByPciEnumerationAndNegotiatesTheTapsOffloads() {
    String run = guestRun();
    assertFalse(run.contains("virtio-insmod-failed"), run);
    assertEquals("virtio_net", text(run, "net-nic=\\S+ driver=(\\S+)"), run);
    assertEquals("52:54:00:12:34:56", text(run, "net-nic=\\S+ driver=\\S+ mac=(\\S+)"), run);
    // The negotiated feature bits, bit 0 first: the TAP takes and gives partial checksums and
    // TSO, so CSUM, GUEST_CSUM, GUEST_TSO4/6, HOST_TSO4/6 and MRG_RXBUF are all on; VERSION_1.
    String features = text(run, "net-features=([01]+)");
    for (int bit : new int[] {0, 1, 5, 7, 8, 11, 12, 15, 32}) {
      assertEquals('1', features.charAt(bit), "feature bit " + bit + " in " + features);
    }
    // Linux gives each queue its own MSI-X vector; both directions took interrupts.
    assertTrue(Long.parseLong(text(run, "net-irq: *\\d+: *(\\d+) .*virtio\\d-input\\.0")) > 0, run);
    assertTrue(
        Long.parseLong(text(run, "net-irq: *\\d+: *(\\d+) .*virtio\\d-output\\.0")) > 0, run);
    assertEquals("0", text(run, "== RUN net exit=(\\d+)"), run);
  }

  @Test
  void theGuestPingsThePeerInTheOtherNamespace() {
    String run = guestRun();
    assertEquals("0", text(run, "net-ping-exit=(\\d+)"), run);
    assertEquals("3", text(run, "net-ping-exit=\\d+ (\\d+) packets received"), run);
  }

  @Test
  void fourMebibytesCrossEachWayOverTcpIntact() {
    String run = guestRun();
    // Guest to peer: what the guest sent is what the peer's nc wrote.
    assertEquals("0", text(run, "net-send-exit=(\\d+)"), run);
    String sent = text(run, "net-sent-sha256=([0-9a-f]{64})");
    assertEquals(1048576, Long.parseLong(text(transcript, "peer-got-bytes=(\\d+)")), transcript);
    assertEquals(sent, text(transcript, "peer-got-sha256=([0-9a-f]{64})"), transcript);
    // Peer to guest.
    assertEquals("0", text(run, "net-receive-exit=(\\d+)"), run);
    assertEquals("1048576", text(run, "net-receive-exit=\\d+ bytes=(\\d+)"), run);
    assertEquals(
        text(transcript, "peer-sends-sha256=([0-9a-f]{64})"),
        text(run, "net-received-sha256=([0-9a-f]{64})"),
        run);
  }

  @Test
  void whatTheGuestWritesToHvc0LandsInTheVconsoleFile() {
    String sent = text(guestRun(), "net-sent-sha256=([0-9a-f]{64})");
    assertEquals(sent, text(transcript, "vconsole-file=vconsole: sent ([0-9a-f]{64})"), transcript);
  }

  @Test
  void aMebibyteCrossesEachWayOverVsock() {
    String run = guestRun();
    // Guest to host: the guest's connection to CID 2 port 5000 reached PATH_5000.
    assertEquals("0", text(run, "vsock-send-exit=(\\d+)"), run);
    assertEquals(1048576, Long.parseLong(text(transcript, "host-vsock-got-bytes=(\\d+)")));
    assertEquals(
        text(run, "vsock-sent-sha256=([0-9a-f]{64})"),
        text(transcript, "host-vsock-got-sha256=([0-9a-f]{64})"),
        transcript);
    // Host to guest: CONNECT 5001 on PATH was answered OK <host port>, and the data arrived.
    assertTrue(transcript.matches("(?s).*host-vsock-reply=OK \\d+\\s.*"), transcript);
    assertEquals("0", text(run, "vsock-receive-exit=(\\d+)"), run);
    assertEquals("1048576", text(run, "vsock-receive-exit=\\d+ bytes=(\\d+)"), run);
    assertEquals(
        text(transcript, "host-vsock-sends-sha256=([0-9a-f]{64})"),
        text(run, "vsock-received-sha256=([0-9a-f]{64})"),
        run);
  }

  @Test
  void theTapTheUserMadeOutlivesTheRun() {
    guestRun();
    // A TAP made with `ip tuntap add` is persistent: Parasol attached to it and let it go.
    assertTrue(transcript.contains("peer-tap=state DOWN"), transcript);
  }
}
