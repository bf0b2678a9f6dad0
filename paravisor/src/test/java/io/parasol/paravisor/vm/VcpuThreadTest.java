package io.parasol.paravisor.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parasol.isolation.CpuIo;
import io.parasol.isolation.HypervisorException;
import io.parasol.isolation.VirtualProcessor;
import io.parasol.isolation.VpExit;
import io.parasol.isolation.X86Registers;
import io.parasol.isolation.X86SpecialRegisters;
import io.parasol.machine.io.ChipsetBus;
import io.parasol.machine.irq.ExtIntSource;
import java.util.ArrayDeque;
import java.util.Deque;
import org.junit.jupiter.api.Test;

/** How each way a vCPU run can end becomes the VM's outcome. */
class VcpuThreadTest {
  /** A vCPU whose runs return scripted exits (or throw). */
  static final class ScriptedVp implements VirtualProcessor {
    final Deque<Object> script = new ArrayDeque<>();
    int runs;
    int stopRequests;
    int stopClears;

    ScriptedVp then(Object exitOrException) {
      script.add(exitOrException);
      return this;
    }

    @Override
    public int index() {
      return 0;
    }

    @Override
    public VpExit run(CpuIo io) throws HypervisorException {
      runs++;
      Object next = script.remove();
      if (next instanceof HypervisorException e) {
        throw e;
      }
      return (VpExit) next;
    }

    @Override
    public void requestStop() {
      stopRequests++;
    }

    @Override
    public void clearStopRequest() {
      stopClears++;
    }

    @Override
    public void setExtIntSource(ExtIntSource source) {}

    @Override
    public void extIntChanged() {}

    @Override
    public X86Registers getRegisters() {
      throw new UnsupportedOperationException();
    }

    @Override
    public void setRegisters(X86Registers registers) {}

    @Override
    public X86SpecialRegisters getSpecialRegisters() {
      throw new UnsupportedOperationException();
    }

    @Override
    public void setSpecialRegisters(X86SpecialRegisters registers) {}

    @Override
    public long getMsr(int index) {
      return 0;
    }

    @Override
    public void setMsr(int index, long value) {}

    @Override
    public String describeState() {
      return "scripted";
    }
  }

  private static VmResult runToEnd(ScriptedVp vp) {
    VmLifecycle lifecycle = new VmLifecycle();
    lifecycle.onEnd(vp::requestStop);
    new VcpuThread(vp, new VcpuExits(new ChipsetBus(), vector -> {}), lifecycle).run();
    return lifecycle.result().orElseThrow();
  }

  @Test
  void tripleFaultEndsTheVmWithTheRegisterDump() {
    VmResult r = runToEnd(new ScriptedVp().then(new VpExit.TripleFault("rip=0000dead")));
    assertEquals(VmOutcome.TRIPLE_FAULT, r.outcome());
    assertEquals("rip=0000dead", r.detail());
    assertEquals("vCPU 0", r.source());
  }

  @Test
  void internalErrorsCarryDescriptionAndRegisters() {
    VmResult r =
        runToEnd(new ScriptedVp().then(new VpExit.InternalError("emulation failure", "rip=1")));
    assertEquals(VmOutcome.INTERNAL_ERROR, r.outcome());
    assertTrue(
        r.detail().contains("emulation failure") && r.detail().contains("rip=1"), r.detail());
  }

  @Test
  void aFailingHypervisorCallIsAnInternalErrorWithItsMessage() {
    VmResult r =
        runToEnd(new ScriptedVp().then(new HypervisorException("KVM_RUN failed: EFAULT (14)")));
    assertEquals(VmOutcome.INTERNAL_ERROR, r.outcome());
    assertEquals("KVM_RUN failed: EFAULT (14)", r.detail());
  }

  @Test
  void systemEventsMapToPowerOffResetAndError() {
    assertEquals(
        VmOutcome.POWERED_OFF,
        runToEnd(new ScriptedVp().then(new VpExit.SystemEvent(VpExit.SystemEvent.Kind.SHUTDOWN, 0)))
            .outcome());
    assertEquals(
        VmOutcome.RESET,
        runToEnd(new ScriptedVp().then(new VpExit.SystemEvent(VpExit.SystemEvent.Kind.RESET, 0)))
            .outcome());
    assertEquals(
        VmOutcome.INTERNAL_ERROR,
        runToEnd(new ScriptedVp().then(new VpExit.SystemEvent(VpExit.SystemEvent.Kind.CRASH, 7)))
            .outcome());
  }

  @Test
  void aStaleStopIsClearedAndTheVcpuRunsOn() {
    ScriptedVp vp =
        new ScriptedVp().then(new VpExit.Stopped()).then(new VpExit.TripleFault("after"));
    VmResult r = runToEnd(vp);
    assertEquals(2, vp.runs);
    assertEquals(1, vp.stopClears);
    assertEquals(VmOutcome.TRIPLE_FAULT, r.outcome());
  }

  @Test
  void theFirstOutcomeWinsAndStopsEveryVcpu() {
    VmLifecycle lifecycle = new VmLifecycle();
    ScriptedVp a = new ScriptedVp();
    ScriptedVp b = new ScriptedVp();
    lifecycle.onEnd(a::requestStop);
    lifecycle.onEnd(b::requestStop);
    lifecycle.powerOff("acpi");
    assertTrue(!lifecycle.end(new VmResult(VmOutcome.RESET, "i8042", "")));
    assertEquals(VmOutcome.POWERED_OFF, lifecycle.result().orElseThrow().outcome());
    assertEquals(1, a.stopRequests);
    assertEquals(1, b.stopRequests);
    ScriptedVp late = new ScriptedVp();
    lifecycle.onEnd(late::requestStop);
    assertEquals(1, late.stopRequests, "a hook added after the end runs at once");
  }
}
