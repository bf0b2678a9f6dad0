package io.parasol.virtio.net;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A backend in memory: frames the device sends are kept; frames queued here reach the guest. */
final class FakeNetBackend implements NetBackend {
  final int offloads;
  final List<byte[]> sent = new ArrayList<>();
  final List<MemorySegment> buffersSeen = new ArrayList<>();
  final LinkedBlockingQueue<byte[]> toGuest = new LinkedBlockingQueue<>();
  volatile int receiveOffloads = -1;

  FakeNetBackend(int offloads) {
    this.offloads = offloads;
  }

  @Override
  public int supportedOffloads() {
    return offloads;
  }

  @Override
  public void setReceiveOffloads(int offloads) {
    receiveOffloads = offloads;
  }

  @Override
  public synchronized void send(MemorySegment headerAndFrame) {
    buffersSeen.add(headerAndFrame);
    sent.add(headerAndFrame.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
    notifyAll();
  }

  synchronized List<byte[]> sent() {
    return new ArrayList<>(sent);
  }

  @Override
  public int receive(MemorySegment dst, int timeoutMillis) throws java.io.IOException {
    byte[] frame;
    try {
      frame = toGuest.poll(timeoutMillis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    }
    if (frame == null) {
      return 0;
    }
    synchronized (this) {
      buffersSeen.add(dst);
    }
    MemorySegment.copy(MemorySegment.ofArray(frame), 0, dst, 0, frame.length);
    return frame.length;
  }

  @Override
  public void close() {}
}
