package io.parasol.tools.cli;

import io.parasol.backend.file.RawImageFile;
import io.parasol.bounce.HostBufferPool;
import io.parasol.paravisor.vm.VirtualMachine;
import io.parasol.virtio.blk.VirtioBlk;
import io.parasol.virtio.device.VirtioDevice;
import io.parasol.virtio.rng.VirtioRng;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The virtio devices {@code parasol run} gives the guest ({@code --disk FILE[,ro]}, {@code --rng}):
 * made once, handed to every VM a reboot builds, closed when the run ends.
 */
final class VirtioDevices implements AutoCloseable {
  /** I/O threads per raw image file. */
  private static final int IMAGE_THREADS = 4;

  private final List<VirtioDevice> devices = new ArrayList<>();
  private final List<AutoCloseable> owned = new ArrayList<>();

  /** A {@code --disk} value: {@code FILE} or {@code FILE,ro}. */
  record DiskOption(Path file, boolean readOnly) {
    static DiskOption parse(String value) {
      boolean ro = value.endsWith(",ro");
      String file = ro ? value.substring(0, value.length() - 3) : value;
      if (file.isEmpty() || file.contains(",")) {
        throw new IllegalArgumentException("--disk takes FILE or FILE,ro, not '" + value + "'");
      }
      return new DiskOption(Path.of(file), ro);
    }
  }

  /**
   * Opens every disk (virtio-blk over a raw image file, serials parasol0, parasol1…) and adds an
   * entropy device if {@code rng}.
   *
   * @throws IOException naming the file when one cannot be opened
   */
  static VirtioDevices open(List<DiskOption> disks, boolean rng) throws IOException {
    VirtioDevices out = new VirtioDevices();
    try {
      for (DiskOption disk : disks) {
        if (!Files.isRegularFile(disk.file())) {
          throw new IOException("the disk image " + disk.file() + " is not a regular file");
        }
        RawImageFile image = RawImageFile.open(disk.file(), disk.readOnly(), IMAGE_THREADS);
        HostBufferPool pool = null;
        try {
          if (image.sizeBytes() % 512 != 0 || image.sizeBytes() == 0) {
            throw new IOException(
                "the disk image " + disk.file() + " is not a whole number of 512-byte sectors");
          }
          VirtioBlk.Options options =
              new VirtioBlk.Options("parasol" + out.devices.size(), 1, 256, disk.readOnly());
          pool = HostBufferPool.ofPrivateMemory(VirtioBlk.poolBytesFor(options));
          VirtioBlk blk = new VirtioBlk(image, pool, options);
          out.owned.add(blk); // closes its image
          out.owned.add(pool);
          out.devices.add(blk);
        } catch (IOException | RuntimeException e) {
          image.close();
          if (pool != null) {
            pool.close();
          }
          throw e;
        }
      }
      if (rng) {
        out.devices.add(new VirtioRng());
      }
      return out;
    } catch (IOException | RuntimeException e) {
      out.close();
      throw e;
    }
  }

  /** Adds every device to {@code builder}, in order. */
  void addTo(VirtualMachine.Builder builder) {
    for (VirtioDevice d : devices) {
      builder.virtio(d);
    }
  }

  @Override
  public void close() {
    for (AutoCloseable c : owned) {
      try {
        c.close();
      } catch (Exception e) {
        System.err.println("parasol: closing a virtio device failed: " + Main.sentence(e));
      }
    }
    owned.clear();
  }
}
