package io.parasol.tpm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.parasol.tpm.marshal.TpmReader;
import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;

/** A started TPM with a controllable clock, and helpers to run commands. */
public class TpmTestSupport {
  /** Host milliseconds; tests advance it. */
  protected final AtomicLong millis = new AtomicLong(1_000_000);

  protected Tpm tpm = newTpm();

  protected Tpm newTpm() {
    SecureRandom random = new SecureRandom();
    return Tpm.builder().random(random).hostMillis(millis::get).build();
  }

  protected TpmResponse run(byte[] command) {
    return run(Locality.ZERO, command);
  }

  protected TpmResponse run(Locality locality, byte[] command) {
    byte[] response = tpm.execute(locality, command);
    TpmResponse r = TpmResponse.parse(response);
    assertEquals(response.length, r.size(), "responseSize must equal the bytes returned");
    return r;
  }

  protected TpmResponse run(TpmCommandBuilder builder) {
    return run(builder.build());
  }

  /** Runs and asserts the response code. */
  protected TpmResponse expect(int rc, TpmCommandBuilder builder) {
    return expect(rc, Locality.ZERO, builder);
  }

  protected TpmResponse expect(int rc, Locality locality, TpmCommandBuilder builder) {
    TpmResponse r = run(locality, builder.build());
    assertEquals(TpmRc.describe(rc), TpmRc.describe(r.rc()), "response code");
    return r;
  }

  protected void startup() {
    expect(TpmRc.SUCCESS, TpmCommandBuilder.command(TpmCc.STARTUP).params(w -> w.writeU16(0)));
  }

  /** The parameter area of a successful response with sessions: skips handles and parameterSize. */
  protected static TpmReader parametersOf(TpmResponse r, int responseHandles) throws TpmException {
    TpmReader in = r.body();
    for (int i = 0; i < responseHandles; i++) {
      in.readU32();
    }
    if (r.tag() == TpmSt.SESSIONS) {
      int size = in.readU32();
      return in.slice(size);
    }
    return in;
  }
}
