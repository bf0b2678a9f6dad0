package io.parasol.igvm.build;

/** A recipe is wrong, or a file it names cannot be read or used. */
public final class BuildException extends Exception {
  private static final long serialVersionUID = 1L;

  public BuildException(String message) {
    super(message);
  }

  public BuildException(String message, Throwable cause) {
    super(message, cause);
  }
}
