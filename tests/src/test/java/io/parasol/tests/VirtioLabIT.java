package io.parasol.tests;

import static io.parasol.tests.LabTranscript.checkDiskAndRng;
import static io.parasol.tests.LabTranscript.field;
import static io.parasol.tests.LabTranscript.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * The stock Debian kernel's virtio disk on Parasol's other paths, in the nested lab as {@link
 * LinuxLabIT}: the disk behind {@code qemu-storage-daemon} over vhost-user ({@code parasol run
 * --disk vhost-user:SOCKET}), with and without {@code --bounce}, and the disk over virtio-mmio
 * ({@code --virtio-transport mmio}, found through the DSDT's {@code LNRO0005} devices). Each run
 * mounts an ext4 image the session made with {@code mkfs.ext4}, reads a file the host put there and
 * writes files whose checksums are checked in the image (debugfs, e2fsck) after the VM ended.
 *
 * <p>For the vhost-user runs the session samples {@code /proc/PID/maps} of the daemon while the VM
 * runs: every memfd it mapped is listed, so a test can see that it only ever held Parasol's shared
 * bounce region and never the guest's RAM ({@code memfd:parasol-guest-ram}).
 */
@Tag("lab")
@Execution(ExecutionMode.CONCURRENT) // beside the other lab sessions: see tests/pom.xml
class VirtioLabIT {
  private static final long LAB_TIME_LIMIT_SECONDS = 600;
  private static final long GUEST_RAM_BYTES = 512L << 20;
  private static String transcript;

  private static final String SCRIPT =
      LabSession.RUN_FUNCTION
          + """
      rm -rf /tmp/lab-disk; mkdir -p /tmp/lab-disk
      seq 1 5000 > /tmp/lab-disk/host.txt
      # image_files NAME IMAGE: what the guest left in the image, read after the VM ended.
      image_files() {
        for f in host.txt numbers.txt random.bin; do
          echo "$1-image-$f-sha256=$(debugfs -R "cat /$f" $2 2>/dev/null | sha256sum | cut -d' ' -f1)"
        done
        e2fsck -fn $2 > /dev/null 2>&1; echo "$1-image-fsck=$?"
      }
      # vhost_run NAME [PARASOL-RUN-OPTION...]: a fresh image served by qemu-storage-daemon, the
      # run with --disk vhost-user:SOCKET, the memfds the daemon mapped meanwhile, the image's files.
      vhost_run() { name=$1; shift; img=/tmp/lab-$name.img sock=/tmp/lab-$name.sock
        rm -f $img $sock /tmp/lab-$name.maps /tmp/lab-$name.stop
        mkfs.ext4 -q -F -d /tmp/lab-disk $img 64M
        qemu-storage-daemon \
          --blockdev driver=file,node-name=disk,filename=$img \
          --export type=vhost-user-blk,id=exp,node-name=disk,addr.type=unix,addr.path=$sock,writable=on \
          > /tmp/lab-$name.qsd.log 2>&1 &
        qsd=$!
        i=0; while [ ! -S $sock ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
        echo "$name-qsd-pid=$qsd"
        ( while [ ! -e /tmp/lab-$name.stop ] && kill -0 $qsd 2>/dev/null; do
            grep memfd /proc/$qsd/maps 2>/dev/null; sleep 2
          done > /tmp/lab-$name.maps ) &
        sampler=$!
        run $name 300 initramfs-virtio.cpio.gz --no-reboot --tpm none --disk vhost-user:$sock "$@" \
          --rng --cmdline "console=ttyS0 quiet parasol.test=virtio"
        touch /tmp/lab-$name.stop; wait $sampler
        kill $qsd; wait $qsd
        sed 's/^/qsd: /' /tmp/lab-$name.qsd.log
        sort -u /tmp/lab-$name.maps | sed "s/^/$name-qsd-map: /"
        echo "$name-qsd-samples=$(wc -l < /tmp/lab-$name.maps)"
        image_files $name $img
      }
      vhost_run vhost
      vhost_run vhost-bounce --bounce
      # virtio-mmio: the disk and the entropy device as LNRO0005 devices in the DSDT.
      rm -f /tmp/lab-mmio.img; mkfs.ext4 -q -F -d /tmp/lab-disk /tmp/lab-mmio.img 64M
      run mmio 300 initramfs-virtio.cpio.gz --no-reboot --tpm none --virtio-transport mmio \
        --packed-rings --disk /tmp/lab-mmio.img --rng --cmdline "console=ttyS0 quiet parasol.test=virtio"
      image_files mmio /tmp/lab-mmio.img
      """;

  @BeforeAll
  static void bootInTheLab() throws Exception {
    transcript = LabSession.run(SCRIPT, LAB_TIME_LIMIT_SECONDS);
  }

  @Test
  void theGuestUsesAnExt4DiskServedByQemuStorageDaemonOverVhostUser() throws Exception {
    checkDisk("vhost");
    assertEquals('0', diskFeatures("vhost").charAt(PACKED_RING_BIT), "split rings by default");
  }

  /** VIRTIO_F_RING_PACKED. */
  private static final int PACKED_RING_BIT = 34;

  /** The features the guest's virtio-blk driver negotiated in run {@code name}, bit 0 first. */
  private static String diskFeatures(String name) {
    String run = completedSection(name);
    return text(run, "virtio-features: virtio\\d+ device=0x0002 ([01]+)");
  }

  @Test
  void theVhostUserDaemonOnlyEverMapsParasolsBounceRegionNeverGuestRam() {
    checkOnlyTheBounceRegionWasShared("vhost");
  }

  @Test
  void inConfidentialModeTheVhostUserDiskWorksAndTheDaemonOnlyMapsTheBounceRegion()
      throws Exception {
    checkDisk("vhost-bounce");
    checkOnlyTheBounceRegionWasShared("vhost-bounce");
  }

  @Test
  void theStockKernelFindsVirtioMmioDevicesInTheDsdtAndUsesTheDisk() throws Exception {
    String run = completedSection("mmio");
    // No virtio function on the PCI bus: the devices are platform devices bound to virtio-mmio.
    assertFalse(run.contains("0x1af4:"), run);
    assertTrue(run.matches("(?s).*mmio: LNRO0005:00 driver=virtio-mmio virtio\\d.*"), run);
    assertTrue(run.matches("(?s).*mmio: LNRO0005:01 driver=virtio-mmio virtio\\d.*"), run);
    assertEquals("virtio_rng.0", text(run, "rng-current=(\\S+)"), run);
    // The disk's line is GSI 16, level-triggered as _CRS says, and it fired.
    assertTrue(run.matches("(?s).*virtio-irq: 16: .*IO-APIC\\s+16-fasteoi\\s+virtio\\d.*"), run);
    assertTrue(field(run, "virtio-irq-end: 16: *(\\d+) ") > 10, run);
    // --packed-rings: Linux takes the packed ring when it is offered.
    assertEquals('1', diskFeatures("mmio").charAt(PACKED_RING_BIT), run);
    checkDisk("mmio");
  }

  /**
   * The daemon's memfd mappings, sampled every half second while the VM ran: at least one (the
   * daemon did map what Parasol sent with VHOST_USER_SET_MEM_TABLE), every one Parasol's bounce
   * region, none the guest's RAM, and none as large as the guest's RAM.
   */
  private static void checkOnlyTheBounceRegionWasShared(String name) {
    String run = completedSection(name);
    assertTrue(run.contains("mounted=yes"), "the guest used the disk while sampled:\n" + run);
    assertTrue(field(transcript, name + "-qsd-samples=(\\d+)") > 0, "the sampler saw the daemon");
    List<String> maps =
        transcript
            .lines()
            .filter(l -> l.startsWith(name + "-qsd-map: "))
            .map(l -> l.substring(name.length() + "-qsd-map: ".length()))
            .toList();
    assertFalse(maps.isEmpty(), "the daemon mapped no memfd at all:\n" + transcript);
    Pattern line = Pattern.compile("([0-9a-f]+)-([0-9a-f]+) \\S+ \\S+ \\S+ \\S+ +(/memfd:\\S+).*");
    for (String map : maps) {
      Matcher m = line.matcher(map);
      assertTrue(m.matches(), "a maps line: " + map);
      assertEquals("/memfd:parasol-bounce-vhost-user-blk", m.group(3), map);
      long bytes = Long.parseUnsignedLong(m.group(2), 16) - Long.parseUnsignedLong(m.group(1), 16);
      assertTrue(bytes < GUEST_RAM_BYTES, "a mapping of " + bytes + " bytes: " + map);
    }
    assertFalse(transcript.contains("memfd:parasol-guest-ram"), transcript);
  }

  private static String completedSection(String name) {
    return LabTranscript.completedSection(transcript, name);
  }

  /** The files of run {@code name}: in the guest's words and in its image after the VM ended. */
  private static void checkDisk(String name) throws Exception {
    String run = completedSection(name);
    assertFalse(run.contains("virtio-insmod-failed"), run);
    assertEquals("vda", text(run, "virtio-disk=(\\S+)"), run);
    checkDiskAndRng(transcript, name);
    assertEquals(0, field(run, "exit=(\\d+)"), run);
  }
}
