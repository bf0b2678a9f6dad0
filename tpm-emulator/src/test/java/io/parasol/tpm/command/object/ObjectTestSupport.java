package io.parasol.tpm.command.object;

import static io.parasol.tpm.TpmCommandBuilder.command;

import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmCommandBuilder;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.TpmResponse;
import io.parasol.tpm.TpmTestSupport;
import io.parasol.tpm.marshal.Tpm2b;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;
import io.parasol.tpm.object.ObjectPrivate;
import io.parasol.tpm.object.TpmtPublic;

/** Builders for the object commands, on a started TPM. */
public class ObjectTestSupport extends TpmTestSupport {

  /** What CreatePrimary, Create and Load return. */
  public record Created(int handle, TpmtPublic publicArea, byte[] privateArea, byte[] name) {}

  /** Writes a {@code TPM2B_SENSITIVE_CREATE}. */
  public static void sensitiveCreate(TpmWriter w, byte[] auth, byte[] data) {
    int mark = w.beginSized();
    w.write2B(auth).write2B(data);
    w.endSized(mark);
  }

  public static TpmCommandBuilder createPrimaryCommand(
      int hierarchy, TpmtPublic template, byte[] auth, byte[] data) {
    return command(TpmCc.CREATE_PRIMARY)
        .handle(hierarchy)
        .password()
        .params(
            w -> {
              sensitiveCreate(w, auth, data);
              template.write2B(w);
              w.write2B(new byte[0]).writeU32(0);
            });
  }

  protected Created createPrimary(int hierarchy, TpmtPublic template) throws TpmException {
    return createPrimary(hierarchy, template, new byte[0], new byte[0]);
  }

  protected Created createPrimary(int hierarchy, TpmtPublic template, byte[] auth, byte[] data)
      throws TpmException {
    TpmResponse r = expect(TpmRc.SUCCESS, createPrimaryCommand(hierarchy, template, auth, data));
    int handle = r.body().readU32();
    TpmReader in = parametersOf(r, 1);
    TpmtPublic pub = TpmtPublic.read2B(in, false);
    in.read2B(4096); // creation data
    in.read2B(Tpm2b.DIGEST);
    in.readU16();
    in.readU32();
    in.read2B(Tpm2b.DIGEST);
    byte[] name = in.read2B(Tpm2b.NAME);
    return new Created(handle, pub, null, name);
  }

  public static TpmCommandBuilder createCommand(
      int parent, byte[] parentAuth, TpmtPublic template, byte[] auth, byte[] data) {
    return command(TpmCc.CREATE)
        .handle(parent)
        .password(parentAuth)
        .params(
            w -> {
              sensitiveCreate(w, auth, data);
              template.write2B(w);
              w.write2B(new byte[0]).writeU32(0);
            });
  }

  /** Create under {@code parent} (empty parent auth); returns private and public. */
  protected Created create(int parent, TpmtPublic template, byte[] auth, byte[] data)
      throws TpmException {
    TpmResponse r = expect(TpmRc.SUCCESS, createCommand(parent, new byte[0], template, auth, data));
    TpmReader in = parametersOf(r, 0);
    byte[] priv = in.read2B(ObjectPrivate.MAX_SIZE);
    TpmtPublic pub = TpmtPublic.read2B(in, false);
    return new Created(0, pub, priv, pub.name());
  }

  public static TpmCommandBuilder loadCommand(int parent, byte[] priv, TpmtPublic pub) {
    return command(TpmCc.LOAD)
        .handle(parent)
        .password()
        .params(
            w -> {
              w.write2B(priv);
              pub.write2B(w);
            });
  }

  protected int load(int parent, Created c) throws TpmException {
    TpmResponse r = expect(TpmRc.SUCCESS, loadCommand(parent, c.privateArea(), c.publicArea()));
    return r.body().readU32();
  }

  /** Create then Load under {@code parent}. */
  protected int createAndLoad(int parent, TpmtPublic template, byte[] auth, byte[] data)
      throws TpmException {
    return load(parent, create(parent, template, auth, data));
  }

  protected void flush(int handle) {
    expect(TpmRc.SUCCESS, command(TpmCc.FLUSH_CONTEXT).params(w -> w.writeU32(handle)));
  }

  /** ReadPublic: public area, Name, Qualified Name. */
  protected byte[][] readPublic(int handle) throws TpmException {
    TpmResponse r = expect(TpmRc.SUCCESS, command(TpmCc.READ_PUBLIC).handle(handle));
    TpmReader in = r.body();
    byte[] pub = in.read2B(4096);
    return new byte[][] {pub, in.read2B(Tpm2b.NAME), in.read2B(Tpm2b.NAME)};
  }
}
