package io.parasol.isolation.kvm;

import io.parasol.isolation.CpuIo;
import io.parasol.isolation.VirtualProcessor;
import io.parasol.machine.io.IoData;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * A CpuIo for tests: records every access as text, answers reads from a table, and stops the vCPU
 * when the guest writes port 0xF4 (the guests' "done").
 */
final class RecordingCpuIo implements CpuIo {
  static final int DONE_PORT = 0xF4;

  final List<String> events = new ArrayList<>();
  final Map<Integer, Long> portReads = new HashMap<>();
  final Map<Long, Long> mmioReads = new HashMap<>();
  private final VirtualProcessor vp;
  IntConsumer onPortWrite = port -> {};
  boolean stopOnEoi;

  RecordingCpuIo(VirtualProcessor vp) {
    this.vp = vp;
  }

  @Override
  public void readPort(int port, IoData data) {
    Long v = portReads.get(port);
    if (v != null) {
      data.setValue(v);
    }
    events.add(String.format("in 0x%x %s -> 0x%x", port, data.size(), data.value()));
  }

  @Override
  public void writePort(int port, IoData data) {
    if (port == DONE_PORT) {
      vp.requestStop();
      return;
    }
    events.add(String.format("out 0x%x %s 0x%x", port, data.size(), data.value()));
    onPortWrite.accept(port);
  }

  @Override
  public void readMmio(long gpa, IoData data) {
    Long v = mmioReads.get(gpa);
    if (v != null) {
      data.setValue(v);
    }
    events.add(String.format("mmio read 0x%x %s -> 0x%x", gpa, data.size(), data.value()));
  }

  @Override
  public void writeMmio(long gpa, IoData data) {
    events.add(String.format("mmio write 0x%x %s 0x%x", gpa, data.size(), data.value()));
  }

  @Override
  public void endOfInterrupt(int vector) {
    events.add(String.format("eoi 0x%x", vector));
    if (stopOnEoi) {
      vp.requestStop();
    }
  }
}
