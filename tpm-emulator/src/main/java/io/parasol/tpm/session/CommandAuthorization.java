package io.parasol.tpm.session;

import io.parasol.tpm.AuthRole;
import io.parasol.tpm.DictionaryAttack;
import io.parasol.tpm.Entity;
import io.parasol.tpm.Locality;
import io.parasol.tpm.TpmAlgId;
import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmHandle;
import io.parasol.tpm.TpmLimits;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.TpmState;
import io.parasol.tpm.crypto.HashAlgorithm;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;
import io.parasol.tpm.marshal.TpmsAuthCommand;
import io.parasol.tpm.nv.NvIndex;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The authorisation area of one command, from parsing to the response (TPM 2.0 Library Part 1
 * §18.7–§21; the reference implementation's {@code SessionProcess.c}):
 *
 * <ol>
 *   <li>{@link #parse}: the sessions, their attributes and roles (audit, encrypt, decrypt);
 *   <li>{@link #authorize}: each authorisation against its entity (password, HMAC over the cpHash,
 *       or policy), with dictionary-attack accounting;
 *   <li>{@link #decryptParameter}: the first command parameter, if a session decrypts it;
 *   <li>after the command ran, {@link #respond}: new nonces, response encryption, session audit,
 *       the response HMACs (over the rpHash), and the sessions' fate ({@code continueSession}).
 * </ol>
 */
public final class CommandAuthorization {
  private final TpmState state;
  private final List<SessionUse> uses;
  private int decryptIndex = -1;
  private int encryptIndex = -1;
  private int auditIndex = -1;
  private byte[] auditCpHash;
  private boolean persistentStateChanged;

  private CommandAuthorization(TpmState state, List<SessionUse> uses) {
    this.state = state;
    this.uses = uses;
  }

  /** A command with {@code TPM_ST_NO_SESSIONS}. */
  public static CommandAuthorization none(TpmState state) {
    return new CommandAuthorization(state, List.of());
  }

  /** The sessions of the command, in order. */
  public List<SessionUse> uses() {
    return Collections.unmodifiableList(uses);
  }

  /**
   * Parses the authorisation area ({@code RetrieveSessionData}): at most three sessions, each a
   * password or a loaded HMAC/policy session used at most once, with consistent attributes.
   *
   * @param area exactly the bytes of the area ({@code authorizationSize})
   * @param decryptAllowed the command's first parameter may be encrypted
   * @param encryptAllowed the response's first parameter may be encrypted
   */
  public static CommandAuthorization parse(
      TpmReader area, TpmState state, boolean decryptAllowed, boolean encryptAllowed)
      throws TpmException {
    CommandAuthorization auth = new CommandAuthorization(state, new ArrayList<>());
    while (!area.atEnd()) {
      int index = auth.uses.size();
      int n = index + 1;
      if (index == TpmLimits.MAX_SESSION_NUM) {
        throw new TpmException(TpmRc.session(TpmRc.SIZE, n));
      }
      TpmsAuthCommand a;
      try {
        a = TpmsAuthCommand.read(area);
      } catch (TpmException e) {
        throw e.atSession(n);
      }
      int handle = a.sessionHandle();
      int attrs = a.attributes();
      if (handle != TpmHandle.RS_PW && !TpmHandle.isSession(handle)) {
        throw new TpmException(TpmRc.session(TpmRc.VALUE, n));
      }
      if ((attrs & SessionAttributes.RESERVED) != 0) {
        throw new TpmException(TpmRc.session(TpmRc.RESERVED_BITS, n));
      }
      if (handle == TpmHandle.RS_PW) {
        if ((attrs & ~SessionAttributes.CONTINUE_SESSION) != 0) {
          throw new TpmException(TpmRc.session(TpmRc.ATTRIBUTES, n));
        }
        if (a.nonce().length != 0) {
          throw new TpmException(TpmRc.session(TpmRc.NONCE, n));
        }
        auth.uses.add(new SessionUse(handle, a.nonce(), attrs, a.hmac(), null));
        continue;
      }
      AuthSession session =
          state
              .sessions()
              .loaded(handle)
              .orElseThrow(() -> new TpmException(TpmRc.REFERENCE_S0 + index));
      for (SessionUse earlier : auth.uses) {
        if (earlier.sessionHandle() == handle) {
          throw new TpmException(TpmRc.session(TpmRc.HANDLE, n));
        }
      }
      if (SessionAttributes.isSet(attrs, SessionAttributes.DECRYPT)) {
        if (!decryptAllowed || auth.decryptIndex >= 0) {
          throw new TpmException(TpmRc.session(TpmRc.ATTRIBUTES, n));
        }
        if (session.symmetric().isNull()) {
          throw new TpmException(TpmRc.session(TpmRc.SYMMETRIC, n));
        }
        auth.decryptIndex = index;
      }
      if (SessionAttributes.isSet(attrs, SessionAttributes.ENCRYPT)) {
        if (!encryptAllowed || auth.encryptIndex >= 0) {
          throw new TpmException(TpmRc.session(TpmRc.ATTRIBUTES, n));
        }
        if (session.symmetric().isNull()) {
          throw new TpmException(TpmRc.session(TpmRc.SYMMETRIC, n));
        }
        auth.encryptIndex = index;
      }
      if (SessionAttributes.isSet(attrs, SessionAttributes.AUDIT)) {
        if (auth.auditIndex >= 0 || session.isPolicy()) {
          throw new TpmException(TpmRc.session(TpmRc.ATTRIBUTES, n));
        }
        auth.auditIndex = index;
      }
      auth.uses.add(new SessionUse(handle, a.nonce(), attrs, a.hmac(), session));
    }
    return auth;
  }

  /** What {@link #authorize} needs to know about the command. */
  public record CommandView(
      int commandCode,
      Locality locality,
      int[] handles,
      List<Entity> entities,
      List<AuthRole> roles,
      byte[] parameters) {}

  /**
   * Checks every authorisation ({@code ParseSessionBuffer} and {@code CheckAuthSession}). The
   * sessions authorise the handles needing authorisation in order; further sessions must be for
   * audit or parameter encryption.
   */
  public void authorize(CommandView cmd) throws TpmException {
    for (int i = 0; i < cmd.handles().length; i++) {
      if (cmd.roles().get(i) != AuthRole.NONE) {
        if (i >= uses.size()) {
          throw new TpmException(TpmRc.AUTH_MISSING);
        }
        SessionUse use = uses.get(i);
        use.entity = cmd.entities().get(i);
        use.entityHandle = cmd.handles()[i];
        use.role = cmd.roles().get(i);
      }
    }
    Map<HashAlgorithm, byte[][]> hashes = new EnumMap<>(HashAlgorithm.class);
    for (int i = 0; i < uses.size(); i++) {
      SessionUse use = uses.get(i);
      int n = i + 1;
      byte[] cpHash = new byte[0];
      byte[] nameHash = new byte[0];
      if (use.isPassword()) {
        if (use.entity == null) {
          throw new TpmException(TpmRc.session(TpmRc.HANDLE, n));
        }
      } else {
        AuthSession s = use.session();
        if (s.isTrial()) {
          throw new TpmException(TpmRc.session(TpmRc.ATTRIBUTES, n));
        }
        if (s.isDaBound()) {
          checkLockedOut(s.isLockoutBound());
        }
        byte[][] h = hashes.computeIfAbsent(s.authHash(), alg -> cpAndNameHash(alg, cmd));
        cpHash = h[0];
        nameHash = h[1];
        if (i == auditIndex) {
          auditCpHash = cpHash;
        }
      }
      try {
        if (use.entity != null) {
          checkAuthSession(cmd, i, cpHash, nameHash);
        } else {
          int attrs = use.attributes();
          if ((attrs
                  & (SessionAttributes.AUDIT
                      | SessionAttributes.ENCRYPT
                      | SessionAttributes.DECRYPT))
              == 0) {
            throw new TpmException(TpmRc.ATTRIBUTES);
          }
          checkSessionHmac(i, cpHash);
        }
      } catch (TpmException e) {
        throw e.atSession(n);
      }
    }
  }

  /** {@code cpHash := H(commandCode || Name1 || Name2 || Name3 || parameters)}, and nameHash. */
  private static byte[][] cpAndNameHash(HashAlgorithm alg, CommandView cmd) {
    var cp = alg.newDigest();
    var names = alg.newDigest();
    cp.update(SessionCrypto.be32(cmd.commandCode()));
    for (Entity e : cmd.entities()) {
      byte[] name = e.name();
      cp.update(name);
      names.update(name);
    }
    cp.update(cmd.parameters());
    return new byte[][] {cp.digest(), names.digest()};
  }

  private void checkLockedOut(boolean lockoutAuth) throws TpmException {
    DictionaryAttack da = state.dictionaryAttack();
    if (lockoutAuth ? !da.isLockoutAuthEnabled() : da.isLockedOut()) {
      throw new TpmException(TpmRc.LOCKOUT);
    }
  }

  private void checkAuthSession(CommandView cmd, int index, byte[] cpHash, byte[] nameHash)
      throws TpmException {
    SessionUse use = uses.get(index);
    Entity entity = use.entity;
    AuthRole role = use.role;
    AuthSession s = use.session();
    boolean policy = s != null && s.isPolicy();
    if (!policy || s.isAuthValueNeeded || s.isPasswordNeeded) {
      if (entity.isDaProtected()) {
        checkLockedOut(use.entityHandle == TpmHandle.RH_LOCKOUT);
      }
    }
    boolean authValueAllowed = entity.authValueAllowed(role, cmd.commandCode());
    boolean policyRequired = role == AuthRole.DUP || (role == AuthRole.ADMIN && !authValueAllowed);
    if (policyRequired && !policy) {
      throw new TpmException(TpmRc.AUTH_TYPE);
    }
    if (use.isPassword()) {
      if (!authValueAllowed) {
        throw new TpmException(TpmRc.AUTH_UNAVAILABLE);
      }
      checkUsingAuthValue(entity, true, () -> checkPassword(index));
      return;
    }
    if (policy) {
      if (!entity.policyAllowed(role, cmd.commandCode())) {
        throw new TpmException(TpmRc.AUTH_UNAVAILABLE);
      }
      checkPolicy(cmd, index, cpHash, nameHash);
    } else if (!authValueAllowed) {
      throw new TpmException(TpmRc.AUTH_UNAVAILABLE);
    }
    boolean authUsed = policy ? s.isAuthValueNeeded || s.isPasswordNeeded : !s.isBoundTo(entity);
    if (policy && s.isPasswordNeeded) {
      checkUsingAuthValue(entity, authUsed, () -> checkPassword(index));
    } else {
      checkUsingAuthValue(entity, authUsed, () -> checkSessionHmac(index, cpHash));
    }
  }

  /** A check that may fail with a response code. */
  private interface Check {
    void run() throws TpmException;
  }

  /**
   * Runs {@code check} and, if it used the entity's authValue, tells the entity the outcome (PIN
   * indices count it, {@code CheckAuthSession} of the reference implementation).
   */
  private void checkUsingAuthValue(Entity entity, boolean authUsed, Check check)
      throws TpmException {
    try {
      check.run();
    } catch (TpmException e) {
      if (authUsed && entity.authValueChecked(false)) {
        persistentStateChanged = true;
      }
      throw e;
    }
    if (authUsed && entity.authValueChecked(true)) {
      persistentStateChanged = true;
    }
  }

  /**
   * True if checking the authorisations changed persistent state (a PIN index counted a use or a
   * failure): the state must be saved whether or not the command then succeeds.
   */
  public boolean persistentStateChanged() {
    return persistentStateChanged;
  }

  /** {@code CheckPolicyAuthSession}: the policy session's state matches this use. */
  private void checkPolicy(CommandView cmd, int index, byte[] cpHash, byte[] nameHash)
      throws TpmException {
    SessionUse use = uses.get(index);
    AuthSession s = use.session();
    Entity entity = use.entity;
    if (cmd.commandCode() == TpmCc.POLICY_SECRET && !s.isPasswordNeeded && !s.isAuthValueNeeded) {
      throw new TpmException(TpmRc.MODE);
    }
    if (s.pcrCounter >= 0 && s.pcrCounter != state.pcrs().updateCounter()) {
      throw new TpmException(TpmRc.PCR_CHANGED);
    }
    if (!SessionCrypto.equalsConstantTime(s.policyDigest, entity.authPolicy())
        || entity.authPolicyAlg() != s.authHash().algId()) {
      throw new TpmException(TpmRc.POLICY_FAIL);
    }
    if (s.timeoutClock != 0 && s.timeoutClock < state.clock().time()) {
      throw new TpmException(TpmRc.EXPIRED);
    }
    if (s.commandCode != 0) {
      if (s.commandCode != cmd.commandCode()) {
        throw new TpmException(TpmRc.POLICY_CC);
      }
    } else if (use.role == AuthRole.ADMIN || use.role == AuthRole.DUP) {
      throw new TpmException(TpmRc.POLICY_FAIL);
    }
    if (s.commandLocality != 0 && (s.commandLocality & (1 << cmd.locality().number())) == 0) {
      throw new TpmException(TpmRc.LOCALITY);
    }
    if (s.isPpRequired) {
      // DEVNOTE: no physical-presence signal exists yet; a PP policy cannot be satisfied.
      throw new TpmException(TpmRc.PP);
    }
    if (s.cpHash.length != 0 && !Arrays.equals(s.cpHash, s.isCpHashDefined ? cpHash : nameHash)) {
      throw new TpmException(TpmRc.POLICY_FAIL);
    }
    if (s.checkNvWritten && !(entity instanceof NvIndex nv && nv.isWritten() == s.nvWrittenState)) {
      // TPM2_PolicyNvWritten: only an NV index, and only in the written state asked for.
      throw new TpmException(TpmRc.POLICY_FAIL);
    }
  }

  private void checkPassword(int index) throws TpmException {
    SessionUse use = uses.get(index);
    byte[] given = Entity.trimTrailingZeros(use.hmac());
    if (!SessionCrypto.equalsConstantTime(given, use.entity.authValue())) {
      throw new TpmException(incrementLockout(index));
    }
  }

  /** The HMAC key of a session use: sessionKey, plus the authValue where it is included. */
  private static byte[] hmacKey(SessionUse use, Entity entity, boolean forResponse) {
    AuthSession s = use.session();
    byte[] key = s.sessionKey();
    if (entity == null) {
      return key;
    }
    boolean includeAuth =
        s.isPolicy()
            ? s.isAuthValueNeeded
            : !(forResponse ? use.requestWasBound : s.isBoundTo(entity));
    if (!includeAuth) {
      return key;
    }
    byte[] auth = entity.authValue();
    byte[] out = Arrays.copyOf(key, key.length + auth.length);
    System.arraycopy(auth, 0, out, key.length, auth.length);
    return out;
  }

  /** {@code CheckSessionHMAC} (Part 1 §19.6.5). */
  private void checkSessionHmac(int index, byte[] cpHash) throws TpmException {
    SessionUse use = uses.get(index);
    AuthSession s = use.session();
    use.requestWasBound = use.entity != null && !s.isPolicy() && s.isBoundTo(use.entity);
    byte[] key = hmacKey(use, use.entity, false);
    if (key.length == 0 && use.hmac().length == 0) {
      return; // Part 1 §19.6.5: an empty key allows an empty HMAC.
    }
    byte[] nonceDecrypt = new byte[0];
    byte[] nonceEncrypt = new byte[0];
    if (index == 0 && use.entity != null) {
      if (decryptIndex > 0) {
        nonceDecrypt = uses.get(decryptIndex).session().nonceTpm();
      }
      if (encryptIndex > 0 && encryptIndex != decryptIndex) {
        nonceEncrypt = uses.get(encryptIndex).session().nonceTpm();
      }
    }
    byte[] expected =
        SessionCrypto.hmac(
            s.authHash(),
            key,
            cpHash,
            use.nonceCaller(),
            s.nonceTpm(),
            nonceDecrypt,
            nonceEncrypt,
            new byte[] {(byte) use.attributes()});
    if (!SessionCrypto.equalsConstantTime(expected, use.hmac())) {
      throw new TpmException(incrementLockout(index));
    }
  }

  /**
   * {@code IncrementLockout}: a failed authorisation counts toward lockout if the entity (or the
   * session's bind entity) is DA-protected; the answer is then {@code TPM_RC_AUTH_FAIL}, else
   * {@code TPM_RC_BAD_AUTH}.
   */
  private int incrementLockout(int index) {
    SessionUse use = uses.get(index);
    int handle = use.entityHandle;
    boolean protectedEntity = use.entity != null && use.entity.isDaProtected();
    AuthSession s = use.session();
    if (s == null) {
      if (!protectedEntity) {
        return TpmRc.BAD_AUTH;
      }
    } else {
      if (s.isLockoutBound()) {
        handle = TpmHandle.RH_LOCKOUT;
      }
      boolean includeAuth =
          use.entity != null && (s.isPolicy() ? s.isAuthValueNeeded : !use.requestWasBound);
      if (!s.isDaBound() && handle != TpmHandle.RH_LOCKOUT && (!protectedEntity || !includeAuth)) {
        return TpmRc.BAD_AUTH;
      }
    }
    DictionaryAttack da = state.dictionaryAttack();
    long now = state.clock().time();
    if (handle == TpmHandle.RH_LOCKOUT) {
      da.recordLockoutAuthFailure(now);
    } else if (da.recoveryTimeSeconds() != 0) {
      da.recordFailure(now);
    }
    return TpmRc.AUTH_FAIL;
  }

  // ------------------------------------------------------------ parameter encryption (Part 1 §21)

  /**
   * Decrypts the first command parameter (a {@code TPM2B}) if a session has {@code decrypt} set;
   * returns the parameters to unmarshal.
   */
  public byte[] decryptParameter(byte[] parameters) throws TpmException {
    if (decryptIndex < 0) {
      return parameters;
    }
    SessionUse use = uses.get(decryptIndex);
    try {
      if (parameters.length < 2) {
        throw new TpmException(TpmRc.INSUFFICIENT);
      }
      int size = ((parameters[0] & 0xFF) << 8) | (parameters[1] & 0xFF);
      if (size > parameters.length - 2) {
        throw new TpmException(TpmRc.SIZE);
      }
      byte[] out = parameters.clone();
      AuthSession s = use.session();
      transform(use, s, use.nonceCaller(), s.nonceTpm(), out, 2, size, false);
      return out;
    } catch (TpmException e) {
      throw e.atSession(decryptIndex + 1);
    }
  }

  private byte[] extraKey(SessionUse use) {
    if (use.entity == null) {
      return new byte[0];
    }
    Entity current = state.findEntity(use.entityHandle).orElse(use.entity);
    return current.authValueAllowed(use.role, 0) ? current.authValue() : new byte[0];
  }

  private void transform(
      SessionUse use,
      AuthSession s,
      byte[] nonceNewer,
      byte[] nonceOlder,
      byte[] buf,
      int offset,
      int length,
      boolean encrypt) {
    if (length == 0) {
      return;
    }
    byte[] sessionKey = s.sessionKey();
    byte[] extra = extraKey(use);
    byte[] key = Arrays.copyOf(sessionKey, sessionKey.length + extra.length);
    System.arraycopy(extra, 0, key, sessionKey.length, extra.length);
    SymmetricDefinition sym = s.symmetric();
    if (sym.algorithm() == TpmAlgId.XOR) {
      HashAlgorithm xorHash = HashAlgorithm.fromAlgId(sym.keyBits()).orElseThrow();
      byte[] mask = SessionCrypto.kdfa(xorHash, key, "XOR", nonceNewer, nonceOlder, length * 8);
      for (int i = 0; i < length; i++) {
        buf[offset + i] ^= mask[i];
      }
      return;
    }
    // AES in CFB mode (Part 1 §21.3): KDFa yields the key and then the IV.
    int keyBytes = sym.keyBits() / 8;
    byte[] material =
        SessionCrypto.kdfa(s.authHash(), key, "CFB", nonceNewer, nonceOlder, sym.keyBits() + 128);
    try {
      Cipher c = Cipher.getInstance("AES/CFB/NoPadding");
      c.init(
          encrypt ? Cipher.ENCRYPT_MODE : Cipher.DECRYPT_MODE,
          new SecretKeySpec(material, 0, keyBytes, "AES"),
          new IvParameterSpec(material, keyBytes, 16));
      byte[] result = c.doFinal(buf, offset, length);
      System.arraycopy(result, 0, buf, offset, length);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-CFB unavailable", e);
    }
  }

  // ------------------------------------------------------------ response

  /**
   * Builds the response's authorisation area ({@code BuildResponseSession}) after the command
   * succeeded: rolls each session's nonceTPM, encrypts the first response parameter if asked,
   * extends the session audit digest, computes each response HMAC over {@code rpHash}, and flushes
   * sessions without {@code continueSession}.
   *
   * @param parameters the response parameters; encrypted in place if a session encrypts
   * @param out receives the authorisation area
   */
  public void respond(int commandCode, byte[] parameters, TpmWriter out) {
    for (SessionUse use : uses) {
      if (!use.isPassword()) {
        AuthSession s = use.session();
        s.setNonceTpm(state.randomBytes(s.authHash().digestSize()));
      }
    }
    if (encryptIndex >= 0 && parameters.length >= 2) {
      SessionUse use = uses.get(encryptIndex);
      AuthSession s = use.session();
      int size = ((parameters[0] & 0xFF) << 8) | (parameters[1] & 0xFF);
      transform(
          use,
          s,
          s.nonceTpm(),
          use.nonceCaller(),
          parameters,
          2,
          Math.min(size, parameters.length - 2),
          true);
    }
    if (auditIndex >= 0) {
      SessionUse use = uses.get(auditIndex);
      AuthSession s = use.session();
      if (!s.isAudit || SessionAttributes.isSet(use.attributes(), SessionAttributes.AUDIT_RESET)) {
        s.isAudit = true;
        s.auditDigest = new byte[s.authHash().digestSize()];
      }
      s.auditDigest =
          s.authHash()
              .digest(s.auditDigest, auditCpHash, rpHash(s.authHash(), commandCode, parameters));
    }
    for (SessionUse use : uses) {
      if (use.isPassword()) {
        out.write2B(new byte[0]).writeU8(use.attributes() | SessionAttributes.CONTINUE_SESSION);
        out.write2B(new byte[0]);
        continue;
      }
      AuthSession s = use.session();
      byte[] hmac;
      if (s.isPolicy() && s.isPasswordNeeded && use.entity != null) {
        hmac = new byte[0];
      } else {
        Entity current =
            use.entity == null ? null : state.findEntity(use.entityHandle).orElse(use.entity);
        byte[] key = hmacKey(use, current, true);
        if (s.isPolicy() && key.length == 0 && use.hmac().length == 0) {
          hmac = new byte[0];
        } else {
          hmac =
              SessionCrypto.hmac(
                  s.authHash(),
                  key,
                  rpHash(s.authHash(), commandCode, parameters),
                  s.nonceTpm(),
                  use.nonceCaller(),
                  new byte[] {(byte) use.attributes()});
        }
      }
      out.write2B(s.nonceTpm()).writeU8(use.attributes()).write2B(hmac);
    }
    for (SessionUse use : uses) {
      if (use.isPassword()) {
        continue;
      }
      AuthSession s = use.session();
      if (!SessionAttributes.isSet(use.attributes(), SessionAttributes.CONTINUE_SESSION)) {
        state.sessions().flush(s.handle());
      } else if (s.isPolicy()) {
        s.resetPolicy();
        s.startTime = state.clock().time();
      }
    }
  }

  /** {@code rpHash := H(responseCode (0) || commandCode || parameters)} (Part 1 §18.9). */
  private static byte[] rpHash(HashAlgorithm alg, int commandCode, byte[] parameters) {
    return alg.digest(new byte[4], SessionCrypto.be32(commandCode), parameters);
  }
}
