package io.parasol.isolation.kvm.sys;

/**
 * Linux x86-64 errno values by name, so failures read {@code KVM_CREATE_VM failed: EACCES (13)}
 * rather than a bare number. Values from {@code asm-generic/errno-base.h} and {@code
 * asm-generic/errno.h}.
 */
public final class Errno {
  public static final int EPERM = 1;
  public static final int ENOENT = 2;
  public static final int ESRCH = 3;
  public static final int EINTR = 4;
  public static final int EIO = 5;
  public static final int ENXIO = 6;
  public static final int E2BIG = 7;
  public static final int EBADF = 9;
  public static final int EAGAIN = 11;
  public static final int ENOMEM = 12;
  public static final int EACCES = 13;
  public static final int EFAULT = 14;
  public static final int EBUSY = 16;
  public static final int EEXIST = 17;
  public static final int ENODEV = 19;
  public static final int EINVAL = 22;
  public static final int ENFILE = 23;
  public static final int EMFILE = 24;
  public static final int ENOTTY = 25;
  public static final int ENOSPC = 28;
  public static final int ERANGE = 34;
  public static final int ENOSYS = 38;
  public static final int EOPNOTSUPP = 95;

  private static final String[] NAMES = new String[128];

  static {
    String[][] table = {
      {"EPERM", "1"},
      {"ENOENT", "2"},
      {"ESRCH", "3"},
      {"EINTR", "4"},
      {"EIO", "5"},
      {"ENXIO", "6"},
      {"E2BIG", "7"},
      {"ENOEXEC", "8"},
      {"EBADF", "9"},
      {"ECHILD", "10"},
      {"EAGAIN", "11"},
      {"ENOMEM", "12"},
      {"EACCES", "13"},
      {"EFAULT", "14"},
      {"ENOTBLK", "15"},
      {"EBUSY", "16"},
      {"EEXIST", "17"},
      {"EXDEV", "18"},
      {"ENODEV", "19"},
      {"ENOTDIR", "20"},
      {"EISDIR", "21"},
      {"EINVAL", "22"},
      {"ENFILE", "23"},
      {"EMFILE", "24"},
      {"ENOTTY", "25"},
      {"ETXTBSY", "26"},
      {"EFBIG", "27"},
      {"ENOSPC", "28"},
      {"ESPIPE", "29"},
      {"EROFS", "30"},
      {"EMLINK", "31"},
      {"EPIPE", "32"},
      {"EDOM", "33"},
      {"ERANGE", "34"},
      {"EDEADLK", "35"},
      {"ENAMETOOLONG", "36"},
      {"ENOLCK", "37"},
      {"ENOSYS", "38"},
      {"ENOTEMPTY", "39"},
      {"ELOOP", "40"},
      {"EOVERFLOW", "75"},
      {"EOPNOTSUPP", "95"},
      {"ETIMEDOUT", "110"},
    };
    for (String[] row : table) {
      NAMES[Integer.parseInt(row[1])] = row[0];
    }
  }

  private Errno() {}

  /** The symbolic name, e.g. {@code EACCES}, or {@code errno N} for one not in the table. */
  public static String name(int errno) {
    if (errno >= 0 && errno < NAMES.length && NAMES[errno] != null) {
      return NAMES[errno];
    }
    return "errno " + errno;
  }

  /** Name and number as in messages: {@code EINVAL (22)}. */
  public static String describe(int errno) {
    if (errno >= 0 && errno < NAMES.length && NAMES[errno] != null) {
      return NAMES[errno] + " (" + errno + ")";
    }
    return "errno " + errno;
  }
}
