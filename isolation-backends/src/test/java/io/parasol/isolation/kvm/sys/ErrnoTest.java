package io.parasol.isolation.kvm.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ErrnoTest {
  @Test
  void namesCommonErrnos() {
    assertEquals("EACCES", Errno.name(13));
    assertEquals("EINVAL (22)", Errno.describe(22));
    assertEquals("ENOENT (2)", Errno.describe(Errno.ENOENT));
    assertEquals("E2BIG (7)", Errno.describe(Errno.E2BIG));
    assertEquals("ENOTTY (25)", Errno.describe(Errno.ENOTTY));
    assertEquals("ESRCH (3)", Errno.describe(Errno.ESRCH));
  }

  @Test
  void unknownErrnoIsStillReadable() {
    assertEquals("errno 4000", Errno.describe(4000));
    assertEquals("errno -1", Errno.name(-1));
  }

  @Test
  void exceptionMessageNamesOperationAndErrno() {
    ErrnoException e = new ErrnoException("KVM_CREATE_VM", Errno.EACCES);
    assertEquals("KVM_CREATE_VM failed: EACCES (13)", e.getMessage());
    assertEquals(13, e.errno());
    assertEquals("KVM_CREATE_VM", e.operation());
  }

  @Test
  void nativeCallFailureCarriesTheCapturedErrno() {
    ErrnoException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            ErrnoException.class, () -> LibC.open("/nonexistent/x", LibC.O_RDWR, "open x"));
    assertEquals("open x failed: ENOENT (2)", e.getMessage());
    ErrnoException badFd =
        org.junit.jupiter.api.Assertions.assertThrows(
            ErrnoException.class, () -> LibC.ioctl(-1, KvmAbi.KVM_GET_API_VERSION, 0L, "ioctl"));
    assertEquals(Errno.EBADF, badFd.errno());
  }
}
