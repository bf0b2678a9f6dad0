package io.parasol.tpm.command.ea;

import io.parasol.tpm.TpmException;
import io.parasol.tpm.marshal.Tpm2b;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.session.AuthSession;

/**
 * The parameters TPM2_PolicyNV and TPM2_PolicyCounterTimer share (Part 3 §23.9, §23.10): {@code
 * operandB}, the {@code offset} of operand A in the compared data, and the {@code operation}.
 */
record Comparison(byte[] operandB, int offset, Operation operation) {

  /** Reads them as parameters 1, 2 and 3. */
  static Comparison read(TpmReader in) throws TpmException {
    return new Comparison(
        in.parameter(1, r -> r.read2B(Tpm2b.OPERAND)),
        in.parameter(2, TpmReader::readU16),
        in.parameter(3, Operation::read));
  }

  /** Whether operand A, read at {@link #offset} from the compared data, satisfies the operation. */
  boolean holds(byte[] operandA) {
    return operation.holds(operandA, operandB);
  }

  /** {@code args := H(operandB || offset || operation)}, the value the policy digest extends by. */
  byte[] args(AuthSession s) {
    return PolicySessions.digest(
        s, operandB, PolicySessions.u16(offset), PolicySessions.u16(operation.code()));
  }
}
