package io.parasol.igvm.measure;

/** A file is valid IGVM but cannot be measured for a platform (a directive that platform lacks). */
public final class MeasurementException extends Exception {
  private static final long serialVersionUID = 1L;

  public MeasurementException(String message) {
    super(message);
  }
}
