package io.parasol.isolation.kvm;

import io.parasol.isolation.CpuIo;
import io.parasol.isolation.PartitionConfig;
import io.parasol.isolation.X86EntryState;
import io.parasol.machine.io.IoData;

/**
 * A benchmark, not a test: port-I/O exits per second through {@link KvmVirtualProcessor#run}, for
 * comparison with a C loop doing the same KVM_RUN / KVM_EXIT_IO round trip. Run with {@code java
 * --enable-native-access=ALL-UNNAMED -cp ... io.parasol.isolation.kvm.KvmExitBenchmark [exits]};
 * prints microseconds per exit for each round.
 */
public final class KvmExitBenchmark {
  private KvmExitBenchmark() {}

  public static void main(String[] args) throws Exception {
    long exits = args.length > 0 ? Long.parseLong(args[0]) : 200_000;
    byte[] code = {
      (byte) 0xe6, (byte) 0x80, //  out %al,$0x80
      (byte) 0xeb, (byte) 0xfc, //  jmp 0x0
    };
    try (Kvm kvm = Kvm.open();
        KvmPartition partition = kvm.createPartition(new PartitionConfig(0x10000, 1))) {
      partition.memory().write(0x1000, code);
      KvmVirtualProcessor vp = partition.vp(0);
      X86EntryState.realMode(0, 0x1000).applyTo(vp);
      for (int round = 0; round < 5; round++) {
        long[] count = {0};
        CpuIo io =
            new CpuIo() {
              @Override
              public void readPort(int port, IoData data) {}

              @Override
              public void writePort(int port, IoData data) {
                if (++count[0] == exits) {
                  vp.requestStop();
                }
              }

              @Override
              public void readMmio(long gpa, IoData data) {}

              @Override
              public void writeMmio(long gpa, IoData data) {}

              @Override
              public void endOfInterrupt(int vector) {}
            };
        var threads =
            (com.sun.management.ThreadMXBean)
                java.lang.management.ManagementFactory.getThreadMXBean();
        long allocatedBefore = threads.getCurrentThreadAllocatedBytes();
        long start = System.nanoTime();
        vp.run(io);
        long ns = System.nanoTime() - start;
        long allocated = threads.getCurrentThreadAllocatedBytes() - allocatedBefore;
        vp.clearStopRequest();
        System.out.printf(
            "Java: %d exits, %.2f us/exit, %d bytes allocated in run()%n",
            exits, ns / 1000.0 / exits, allocated);
      }
    }
  }
}
