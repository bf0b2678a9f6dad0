package io.parasol.isolation.kvm;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import io.parasol.machine.io.AccessSize;
import io.parasol.machine.io.IoData;
import java.lang.foreign.MemorySegment;

/**
 * An {@link IoData} laid over the data of the current exit in the vCPU's {@code kvm_run} page:
 * {@code io.data_offset} (+ i × size for string I/O) for port I/O, {@code mmio.data} for MMIO. One
 * instance per vCPU, re-pointed for every access, so an exit allocates nothing.
 *
 * <p>Thread confinement: used only by the vCPU thread inside {@code run}.
 */
final class KvmIoData implements IoData {
  private final MemorySegment run;
  private long offset;
  private AccessSize size = AccessSize.BYTE;

  KvmIoData(MemorySegment run) {
    this.run = run;
  }

  /** Points this view at {@code size} bytes at {@code offset} into the kvm_run page. */
  void point(long newOffset, AccessSize newSize) {
    this.offset = newOffset;
    this.size = newSize;
  }

  @Override
  public AccessSize size() {
    return size;
  }

  @Override
  public long value() {
    return switch (size) {
      case BYTE -> run.get(JAVA_BYTE, offset) & 0xFFL;
      case WORD -> run.get(JAVA_SHORT_UNALIGNED, offset) & 0xFFFFL;
      case DWORD -> run.get(JAVA_INT_UNALIGNED, offset) & 0xFFFF_FFFFL;
      case QWORD -> run.get(JAVA_LONG_UNALIGNED, offset);
    };
  }

  @Override
  public void setValue(long value) {
    switch (size) {
      case BYTE -> run.set(JAVA_BYTE, offset, (byte) value);
      case WORD -> run.set(JAVA_SHORT_UNALIGNED, offset, (short) value);
      case DWORD -> run.set(JAVA_INT_UNALIGNED, offset, (int) value);
      case QWORD -> run.set(JAVA_LONG_UNALIGNED, offset, value);
    }
  }

  @Override
  public String toString() {
    return size + ":0x" + Long.toHexString(value());
  }
}
