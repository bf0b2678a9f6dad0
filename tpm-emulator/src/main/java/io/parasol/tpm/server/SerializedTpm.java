package io.parasol.tpm.server;

import io.parasol.tpm.Locality;
import io.parasol.tpm.TpmEngine;
import io.parasol.tpm.TpmPlatform;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One TPM as the servers share it: an engine and its platform behind one lock, so that commands and
 * platform signals from every connection of every server reach the TPM one at a time, in arrival
 * order. {@link #cancel} and {@link #clearCancel} do not take the lock: they must reach a command
 * that is running.
 *
 * <p>Besides serialising, it answers for the TPM when no command can reach it, as the reference
 * simulator's platform layer does: while powered off, or in failure mode forced by the mssim {@code
 * TEST_FAILURE_MODE} signal, every command gets a {@code TPM_RC_FAILURE} response. And it keeps the
 * promise of {@link TpmEngine}: whatever the engine does, a caller gets a well-formed response,
 * never an exception.
 */
public final class SerializedTpm implements TpmEngine, TpmPlatform {
  private static final Logger LOG = LoggerFactory.getLogger(SerializedTpm.class);

  private final ReentrantLock lock = new ReentrantLock();
  private final TpmEngine engine;
  private final TpmPlatform platform;
  private boolean failureMode;

  /** Puts {@code engine} and its {@code platform} (often the same object) behind one lock. */
  public SerializedTpm(TpmEngine engine, TpmPlatform platform) {
    this.engine = Objects.requireNonNull(engine, "engine");
    this.platform = Objects.requireNonNull(platform, "platform");
  }

  @Override
  public byte[] execute(Locality locality, byte[] command) {
    lock.lock();
    try {
      if (!platform.isPoweredOn() || failureMode) {
        return TpmResponses.error(TpmResponses.TPM_RC_FAILURE);
      }
      byte[] response = engine.execute(locality, command);
      if (response == null || response.length < TpmResponses.HEADER_BYTES) {
        LOG.error(
            "TPM engine returned a malformed response to command 0x{}",
            Integer.toHexString(TpmResponses.code(command)));
        return TpmResponses.error(TpmResponses.TPM_RC_FAILURE);
      }
      return response;
    } catch (RuntimeException e) {
      // The engine promises never to throw; if it does, the client still gets a response.
      LOG.error(
          "TPM engine threw on command 0x{}", Integer.toHexString(TpmResponses.code(command)), e);
      return TpmResponses.error(TpmResponses.TPM_RC_FAILURE);
    } finally {
      lock.unlock();
    }
  }

  /** {@code _TPM_Init}; also ends a forced failure mode. */
  @Override
  public void powerOn() {
    lock.lock();
    try {
      failureMode = false;
      platform.powerOn();
    } finally {
      lock.unlock();
    }
  }

  /** Powers on unless already on: the mssim {@code SIGNAL_POWER_ON} semantics. */
  public void powerOnIfOff() {
    lock.lock();
    try {
      if (!platform.isPoweredOn()) {
        powerOn();
      }
    } finally {
      lock.unlock();
    }
  }

  /** A TPM Reset: power off and on again, if powered. Returns false if it was off. */
  public boolean resetIfOn() {
    lock.lock();
    try {
      if (!platform.isPoweredOn()) {
        return false;
      }
      platform.powerOff();
      powerOn();
      return true;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void powerOff() {
    lock.lock();
    try {
      platform.powerOff();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean isPoweredOn() {
    lock.lock();
    try {
      return platform.isPoweredOn();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Puts the TPM in failure mode until the next {@code _TPM_Init}: every command is answered with
   * {@code TPM_RC_FAILURE}.
   *
   * <p>DEVNOTE: the reference simulator forces the failure inside the TPM, where {@code
   * TPM2_GetTestResult} and {@code TPM2_GetCapability} still answer (Part 1 §12.3 failure mode).
   * That needs a {@code TpmPlatform} signal the engine implements; until then the TPM is failed at
   * this boundary.
   */
  public void forceFailureMode() {
    lock.lock();
    try {
      failureMode = true;
    } finally {
      lock.unlock();
    }
  }

  /** True while a forced failure mode lasts. */
  public boolean inFailureMode() {
    lock.lock();
    try {
      return failureMode;
    } finally {
      lock.unlock();
    }
  }

  /** Not serialised: it must reach a running command. */
  @Override
  public void cancel() {
    platform.cancel();
  }

  /** Not serialised, like {@link #cancel}. */
  @Override
  public void clearCancel() {
    platform.clearCancel();
  }

  @Override
  public void hashStart() {
    lock.lock();
    try {
      platform.hashStart();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void hashData(byte[] data) {
    lock.lock();
    try {
      platform.hashData(data);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void hashEnd() {
    lock.lock();
    try {
      platform.hashEnd();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public int setBufferSize(int bytes) {
    lock.lock();
    try {
      return platform.setBufferSize(bytes);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean tpmEstablished() {
    lock.lock();
    try {
      return platform.tpmEstablished();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void resetTpmEstablished(Locality locality) {
    lock.lock();
    try {
      platform.resetTpmEstablished(locality);
    } finally {
      lock.unlock();
    }
  }
}
