package io.parasol.paravisor.vm;

import io.parasol.paravisor.chipset.PowerControl;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that decides a VM's run is over. Devices (power off, reset), vCPU threads (triple
 * fault, internal error) and the host (stop) report here; the first report wins, later ones are
 * logged and ignored, and every vCPU is asked to stop.
 */
public final class VmLifecycle implements PowerControl {
  private static final Logger LOG = LoggerFactory.getLogger(VmLifecycle.class);

  private final List<Runnable> stopHooks = new ArrayList<>();
  private VmResult result;

  /** Runs {@code hook} (e.g. a vCPU's stop request) when the run ends; at once if it has. */
  public void onEnd(Runnable hook) {
    boolean ended;
    synchronized (this) {
      ended = result != null;
      if (!ended) {
        stopHooks.add(hook);
      }
    }
    if (ended) {
      hook.run();
    }
  }

  /**
   * Ends the run with {@code next} unless it has already ended.
   *
   * @return whether this call decided the outcome
   */
  public boolean end(VmResult next) {
    List<Runnable> hooks;
    synchronized (this) {
      if (result != null) {
        LOG.debug("VM already ended ({}); ignoring {}", result.outcome(), next.outcome());
        return false;
      }
      result = next;
      hooks = List.copyOf(stopHooks);
      notifyAll();
    }
    if (next.outcome() == VmOutcome.INTERNAL_ERROR || next.outcome() == VmOutcome.TRIPLE_FAULT) {
      LOG.error("{}", next);
    } else {
      LOG.info("{}", next);
    }
    hooks.forEach(Runnable::run);
    return true;
  }

  @Override
  public void powerOff(String source) {
    end(new VmResult(VmOutcome.POWERED_OFF, source, ""));
  }

  @Override
  public void reset(String source) {
    end(new VmResult(VmOutcome.RESET, source, ""));
  }

  /** The host wants the VM stopped. */
  public void stop(String source) {
    end(new VmResult(VmOutcome.STOPPED, source, ""));
  }

  /** The result, if the run has ended. */
  public synchronized Optional<VmResult> result() {
    return Optional.ofNullable(result);
  }

  /** Waits for the run to end, however long that takes. */
  public synchronized VmResult await() throws InterruptedException {
    while (result == null) {
      wait();
    }
    return result;
  }

  /** Waits for the run to end; empty if {@code timeout} passed first. */
  public synchronized Optional<VmResult> await(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (result == null) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return Optional.empty();
      }
      wait(Math.max(1, left / 1_000_000));
    }
    return Optional.of(result);
  }
}
