package io.parasol.tpm.command.sessions;

import io.parasol.tpm.AuthRole;
import io.parasol.tpm.Entity;
import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmHandle;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.TpmState;
import io.parasol.tpm.command.Command;
import io.parasol.tpm.command.CommandContext;
import io.parasol.tpm.command.CommandSpec;
import io.parasol.tpm.command.HandleType;
import io.parasol.tpm.crypto.HashAlgorithm;
import io.parasol.tpm.marshal.Tpm2b;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;
import io.parasol.tpm.session.AuthSession;
import io.parasol.tpm.session.SaltDecryptor;
import io.parasol.tpm.session.SessionCrypto;
import io.parasol.tpm.session.SessionType;
import io.parasol.tpm.session.SymmetricDefinition;
import java.util.Arrays;

/**
 * TPM2_StartAuthSession (Part 3 §11.1): starts an HMAC, policy or trial session.
 *
 * <p>The session key (Part 1 §19.6.8) is {@code KDFa(authHash, bind.authValue || salt, "ATH",
 * nonceTPM, nonceCaller, digestBits)}, or empty when neither a bind entity nor a salt key is given.
 * A salt key ({@code tpmKey}) needs a {@link SaltDecryptor}.
 */
public final class StartAuthSession implements Command<StartAuthSession.In> {
  private static final CommandSpec SPEC =
      CommandSpec.of(TpmCc.START_AUTH_SESSION)
          .handle(HandleType.DH_OBJECT_OR_NULL, AuthRole.NONE)
          .handle(HandleType.DH_ENTITY, AuthRole.NONE)
          .responseHandle()
          .decrypt()
          .encrypt()
          .build();

  /** The parameters of Part 3 Table 11. */
  public record In(
      byte[] nonceCaller,
      byte[] encryptedSalt,
      SessionType sessionType,
      SymmetricDefinition symmetric,
      HashAlgorithm authHash) {}

  private final SaltDecryptor saltDecryptor;

  /** The command, decrypting salts with {@code saltDecryptor}. */
  public StartAuthSession(SaltDecryptor saltDecryptor) {
    this.saltDecryptor = saltDecryptor;
  }

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public In parse(TpmReader in) throws TpmException {
    byte[] nonceCaller = in.parameter(1, r -> r.read2B(Tpm2b.NONCE));
    byte[] encryptedSalt = in.parameter(2, r -> r.read2B(Tpm2b.ENCRYPTED_SECRET));
    SessionType type = in.parameter(3, r -> SessionType.of(r.readU8()));
    SymmetricDefinition symmetric = in.parameter(4, SymmetricDefinition::read);
    HashAlgorithm authHash =
        in.parameter(
            5,
            r ->
                HashAlgorithm.fromAlgId(r.readU16())
                    .orElseThrow(() -> new TpmException(TpmRc.HASH)));
    return new In(nonceCaller, encryptedSalt, type, symmetric, authHash);
  }

  @Override
  public void execute(CommandContext ctx, In in, TpmWriter out) throws TpmException {
    TpmState state = ctx.state();
    int tpmKey = ctx.handle(0);
    int bind = ctx.handle(1);
    // Parameter encryption other than XOR must use CFB (Part 3 §11.1.1).
    SymmetricDefinition sym = in.symmetric();
    if (sym.algorithm() == io.parasol.tpm.TpmAlgId.AES
        && sym.mode() != io.parasol.tpm.TpmAlgId.CFB) {
      throw new TpmException(TpmRc.parameter(TpmRc.MODE, 4));
    }
    int digestSize = in.authHash().digestSize();
    if (in.nonceCaller().length < 16 || in.nonceCaller().length > digestSize) {
      throw new TpmException(TpmRc.parameter(TpmRc.SIZE, 1));
    }
    byte[] salt = new byte[0];
    if (tpmKey == TpmHandle.RH_NULL) {
      if (in.encryptedSalt().length != 0) {
        throw new TpmException(TpmRc.parameter(TpmRc.VALUE, 2));
      }
    } else {
      try {
        salt = saltDecryptor.decryptSalt(state, ctx.entity(0), in.encryptedSalt());
      } catch (TpmException e) {
        throw TpmRc.isFormatOne(e.rc()) && TpmRc.baseCode(e.rc()) == TpmRc.KEY
            ? e.atHandle(1)
            : e.atParameter(2);
      }
    }
    Entity bindEntity = bind == TpmHandle.RH_NULL ? null : ctx.entity(1);
    byte[] nonceTpm = state.randomBytes(digestSize);
    byte[] sessionKey = new byte[0];
    if (bindEntity != null || tpmKey != TpmHandle.RH_NULL) {
      byte[] bindAuth = bindEntity == null ? new byte[0] : bindEntity.authValue();
      byte[] keyMaterial = Arrays.copyOf(bindAuth, bindAuth.length + salt.length);
      System.arraycopy(salt, 0, keyMaterial, bindAuth.length, salt.length);
      sessionKey =
          SessionCrypto.kdfa(
              in.authHash(), keyMaterial, "ATH", nonceTpm, in.nonceCaller(), digestSize * 8);
    }
    AuthSession session =
        state
            .sessions()
            .create(
                in.sessionType(),
                in.authHash(),
                nonceTpm,
                sessionKey,
                sym,
                bindEntity,
                bindEntity != null && bindEntity.isDaProtected(),
                bind == TpmHandle.RH_LOCKOUT,
                state.clock().time());
    ctx.setResponseHandle(session.handle());
    out.write2B(nonceTpm);
  }
}
