package io.parasol.paravisor.vm;

import io.parasol.isolation.CpuIo;
import io.parasol.isolation.HypervisorException;
import io.parasol.isolation.VirtualProcessor;
import io.parasol.isolation.VpExit;

/**
 * The body of one vCPU's platform thread: run the guest until the hypervisor returns something that
 * ends the VM, and report that to the {@link VmLifecycle}. Never a virtual thread: {@code KVM_RUN}
 * blocks in the kernel and would pin its carrier.
 */
final class VcpuThread implements Runnable {
  private final VirtualProcessor vp;
  private final CpuIo exits;
  private final VmLifecycle lifecycle;

  VcpuThread(VirtualProcessor vp, CpuIo exits, VmLifecycle lifecycle) {
    this.vp = vp;
    this.exits = exits;
    this.lifecycle = lifecycle;
  }

  @Override
  public void run() {
    String source = "vCPU " + vp.index();
    while (true) {
      VpExit exit;
      try {
        exit = vp.run(exits);
      } catch (HypervisorException e) {
        lifecycle.end(new VmResult(VmOutcome.INTERNAL_ERROR, source, e.getMessage()));
        return;
      } catch (RuntimeException e) {
        lifecycle.end(new VmResult(VmOutcome.INTERNAL_ERROR, source, "Parasol failed: " + e));
        throw e;
      }
      if (exit instanceof VpExit.Stopped && lifecycle.result().isEmpty()) {
        vp.clearStopRequest(); // a stale request with no outcome: run on
        continue;
      }
      lifecycle.end(outcomeOf(exit, source)); // after a recorded end, a no-op
      return;
    }
  }

  private static VmResult outcomeOf(VpExit exit, String source) {
    return switch (exit) {
      case VpExit.Stopped s -> new VmResult(VmOutcome.STOPPED, source, "");
      case VpExit.Halted h ->
          new VmResult(
              VmOutcome.INTERNAL_ERROR, source, "halted with no interrupt controller to wake it");
      case VpExit.TripleFault t -> new VmResult(VmOutcome.TRIPLE_FAULT, source, t.registers());
      case VpExit.SystemEvent e ->
          switch (e.kind()) {
            case SHUTDOWN -> new VmResult(VmOutcome.POWERED_OFF, source + " system event", "");
            case RESET -> new VmResult(VmOutcome.RESET, source + " system event", "");
            case CRASH, OTHER ->
                new VmResult(
                    VmOutcome.INTERNAL_ERROR,
                    source,
                    "system event " + e.kind() + " code 0x" + Long.toHexString(e.code()));
          };
      case VpExit.InternalError e ->
          new VmResult(VmOutcome.INTERNAL_ERROR, source, e.description() + "\n" + e.registers());
    };
  }
}
