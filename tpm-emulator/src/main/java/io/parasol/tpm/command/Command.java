package io.parasol.tpm.command;

import io.parasol.tpm.TpmException;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;

/**
 * One TPM 2.0 command (TPM 2.0 Library Part 3): its {@link CommandSpec}, how its parameters are
 * unmarshalled ({@code <Command>_In} of the spec) and what it does.
 *
 * <p>The dispatcher has already checked the header, the handles (type, existence, hierarchy
 * enabled) and every authorisation when {@link #parse} runs. {@code parse} reads the parameters
 * only; the dispatcher then makes sure no bytes are left ({@code TPM_RC_SIZE}), and only then calls
 * {@link #execute}, so a malformed command never changes state. {@code execute} writes the response
 * parameters ({@code <Command>_Out}) to {@code out}; a command with a response handle sets it with
 * {@link CommandContext#setResponseHandle}.
 *
 * <p>Both methods report failures as {@link TpmException}; read parameter {@code n} with {@link
 * TpmReader#parameter} so that format-one errors carry its number.
 *
 * @param <P> the command's parameters, usually a record named {@code In}
 */
public interface Command<P> {

  /** The command's static description. */
  CommandSpec spec();

  /** Unmarshals the command parameters. */
  P parse(TpmReader in) throws TpmException;

  /** Runs the command on already checked parameters. */
  void execute(CommandContext ctx, P in, TpmWriter out) throws TpmException;

  /** The parameters of a command that has none. */
  enum NoParameters {
    NONE;

    /** A {@link #parse} for commands without parameters. */
    public static NoParameters read(TpmReader in) {
      return NONE;
    }
  }
}
