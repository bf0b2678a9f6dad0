package io.parasol.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's tpm2-tools 5.4 against {@code parasol tpm serve} (mssim TCTI) and against {@code swtpm}
 * (libtpms, swtpm TCTI): one script of commands, each checking what the tool printed or wrote, run
 * on a fresh TPM of each kind. swtpm must pass every step (it checks the script); Parasol must pass
 * every step except those in {@link #EXPECTED_TO_FAIL_ON_PARASOL}, and must fail those (so the list
 * shrinks as commands land: a listed step that passes fails this test).
 */
class TpmToolsIT {

  /**
   * The steps Parasol does not pass yet, with why: the TPM commands behind them are not
   * implemented. Keep it honest: a listed step that passes fails the test.
   */
  static final Map<String, String> EXPECTED_TO_FAIL_ON_PARASOL = new LinkedHashMap<>();

  static {
    // Empty: every step of the script passes on Parasol as on swtpm. A command that regresses, or
    // a new step for a command not implemented yet, goes here with the reason.
  }

  private static void expectFailure(String missing, String... steps) {
    for (String step : steps) {
      EXPECTED_TO_FAIL_ON_PARASOL.put(step, missing);
    }
  }

  private static final byte[] DATA =
      "The quick brown fox jumps over the lazy dog\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] SECRET = "parasol-s3cret".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] DATA32 = new byte[32];
  private static final byte[] SYM_KEY = new byte[16];
  private static final String EXTEND_VALUE =
      "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

  /** The outside key of the PolicySigned steps: one for both TPMs, so the policies match. */
  private static final KeyPair SIGNER;

  /** TPM_ST values of TPMS_ATTEST (Part 2 §6.9). */
  static final int TPM_ST_ATTEST_NV = 0x8014;

  static final int TPM_ST_ATTEST_SESSION_AUDIT = 0x8016;
  static final int TPM_ST_ATTEST_CERTIFY = 0x8017;
  static final int TPM_ST_ATTEST_TIME = 0x8019;
  static final int TPM_ST_ATTEST_CREATION = 0x801A;

  static {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      SIGNER = g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new ExceptionInInitializerError(e);
    }
    for (int i = 0; i < 32; i++) {
      DATA32[i] = (byte) (0xA0 + i);
    }
    for (int i = 0; i < 16; i++) {
      SYM_KEY[i] = (byte) (0x10 * (i % 16) + i);
    }
  }

  /** What {@code tpm2_getcap -l} lists in tpm2-tools 5.4; each has its own getcap step. */
  static final List<String> CAPABILITIES =
      List.of(
          "algorithms",
          "commands",
          "pcrs",
          "properties-fixed",
          "properties-variable",
          "ecc-curves",
          "handles-transient",
          "handles-persistent",
          "handles-permanent",
          "handles-pcr",
          "handles-nv-index",
          "handles-loaded-session",
          "handles-saved-session");

  @BeforeAll
  static void tools() throws Exception {
    TpmClientTools.ensureInstalled();
  }

  @Test
  void tpm2ToolsGiveTheSameVerdictsOnParasolAndSwtpm(@TempDir Path root) throws Exception {
    TpmScript script = script();
    Map<String, TpmScript.Verdict> reference;
    Map<String, TpmScript.Verdict> parasol;
    Path swtpmDir = prepare(root.resolve("swtpm-work"));
    Path parasolDir = prepare(root.resolve("parasol-work"));
    long started = System.nanoTime();
    try (TpmUnderTest.Swtpm swtpm = TpmUnderTest.Swtpm.start(root.resolve("swtpm-state"))) {
      reference = script.run(swtpm.tcti(), swtpmDir);
    }
    long swtpmNanos = System.nanoTime() - started;
    started = System.nanoTime();
    try (TpmUnderTest.Parasol server =
        TpmUnderTest.Parasol.start("--state", root.resolve("vtpm").toString(), "--mssim", "0")) {
      parasol = script.run(server.tcti(), parasolDir);
      assertEquals(0, server.stop(), "parasol tpm serve exits 0 on SIGTERM:\n" + server.stderr());
    }
    long parasolNanos = System.nanoTime() - started;

    List<String> problems = new ArrayList<>();
    StringBuilder report = new StringBuilder();
    report.append(
        "%-34s %-8s %-8s %s%n".formatted("step", "swtpm", "parasol", "expected on parasol"));
    int passedBoth = 0;
    for (TpmScript.Step step : script.steps()) {
      TpmScript.Verdict ref = reference.get(step.id());
      TpmScript.Verdict our = parasol.get(step.id());
      String expectedFailure = EXPECTED_TO_FAIL_ON_PARASOL.get(step.id());
      report.append(
          "%-34s %-8s %-8s %s%n"
              .formatted(
                  step.id(),
                  ref.ok() ? "ok" : "FAIL",
                  our.ok() ? "ok" : "FAIL",
                  expectedFailure == null ? "" : "fails: " + expectedFailure));
      if (!ref.ok()) {
        problems.add(
            "step %s %s on swtpm (the script is wrong): %s %s"
                .formatted(step.id(), ref.problem(), String.join(" ", step.argv()), ref.result()));
      }
      if (expectedFailure == null && !our.ok()) {
        problems.add(
            "step %s %s on parasol: %s %s"
                .formatted(step.id(), our.problem(), String.join(" ", step.argv()), our.result()));
      }
      if (expectedFailure != null && our.ok()) {
        problems.add(
            "step %s now passes on parasol: remove it from EXPECTED_TO_FAIL_ON_PARASOL"
                .formatted(step.id()));
      }
      if (ref.ok() && our.ok()) {
        passedBoth++;
        for (String file : step.sameFiles()) {
          byte[] a = Files.readAllBytes(swtpmDir.resolve(file));
          byte[] b = Files.readAllBytes(parasolDir.resolve(file));
          if (!Arrays.equals(a, b)) {
            problems.add(
                "step %s: %s differs: swtpm %s, parasol %s"
                    .formatted(
                        step.id(), file, HexFormat.of().formatHex(a), HexFormat.of().formatHex(b)));
          }
        }
      }
    }
    for (String id : EXPECTED_TO_FAIL_ON_PARASOL.keySet()) {
      if (!reference.containsKey(id)) {
        problems.add("EXPECTED_TO_FAIL_ON_PARASOL names " + id + ", which is not a step");
      }
    }
    report.append(
        "%d steps: %d pass on both, %d expected to fail on parasol; swtpm %.1f s, parasol %.1f s%n"
            .formatted(
                script.steps().size(),
                passedBoth,
                EXPECTED_TO_FAIL_ON_PARASOL.size(),
                swtpmNanos / 1e9,
                parasolNanos / 1e9));
    System.out.print(report);
    if (!problems.isEmpty()) {
      fail(problems.size() + " problem(s):\n" + String.join("\n\n", problems) + "\n\n" + report);
    }
  }

  /** The working directory with the input files the script reads. */
  private static Path prepare(Path dir) throws Exception {
    Files.createDirectories(dir);
    Files.write(dir.resolve("data.txt"), DATA);
    Files.write(dir.resolve("secret.txt"), SECRET);
    Files.write(dir.resolve("data32.bin"), DATA32);
    Files.write(dir.resolve("sym.key"), SYM_KEY);
    Files.writeString(dir.resolve("signer.pem"), pem("PRIVATE KEY", SIGNER.getPrivate()));
    Files.writeString(dir.resolve("signer.pub.pem"), pem("PUBLIC KEY", SIGNER.getPublic()));
    return dir;
  }

  // ----------------------------------------------------------------------------- the script

  static TpmScript script() throws Exception {
    TpmScript s = new TpmScript();
    String zero32 = "0".repeat(64);
    byte[] extended = sha("SHA-256", HexFormat.of().parseHex(zero32 + EXTEND_VALUE));
    byte[] evented = sha("SHA-256", extended, sha("SHA-256", DATA));
    byte[] sha1Evented = sha("SHA-1", new byte[20], sha("SHA-1", DATA));

    // Start-up, self test, random numbers, capabilities.
    s.ok("getcap-list", "tpm2_getcap -l", (r, d) -> assertEquals(capabilityList(), lines(r)));
    s.ok("startup-clear", "tpm2_startup -c");
    s.ok("selftest-full", "tpm2_selftest --fulltest");
    s.ok("gettestresult", "tpm2_gettestresult", contains("success"));
    s.ok("getrandom-hex", "tpm2_getrandom --hex 16", matches("[0-9a-f]{32}"));
    s.ok("getrandom-file", "tpm2_getrandom -o rand.bin 32", fileSize("rand.bin", 32));
    s.ok("stirrandom", "tpm2_stirrandom data.txt");
    s.ok("getcap-algorithms", "tpm2_getcap algorithms", contains("sha256:", "rsa:", "ecc:"));
    s.ok(
        "getcap-commands",
        "tpm2_getcap commands",
        contains("TPM2_CC_GetRandom:", "TPM2_CC_PCR_Extend:"));
    s.ok("getcap-pcrs", "tpm2_getcap pcrs", contains("sha256: [ 0, 1, 2"));
    s.ok(
        "getcap-properties-fixed",
        "tpm2_getcap properties-fixed",
        contains("TPM2_PT_FAMILY_INDICATOR:", "\"2.0\"", "TPM2_PT_PCR_COUNT:"));
    s.ok(
        "getcap-properties-variable",
        "tpm2_getcap properties-variable",
        contains("TPM2_PT_PERMANENT:", "TPM2_PT_STARTUP_CLEAR:", "TPM2_PT_MAX_AUTH_FAIL:"));
    s.ok("getcap-ecc-curves", "tpm2_getcap ecc-curves", contains("TPM2_ECC_NIST_P256:"));
    s.ok("getcap-handles-transient", "tpm2_getcap handles-transient");
    s.ok("getcap-handles-persistent", "tpm2_getcap handles-persistent");
    s.ok("getcap-handles-permanent", "tpm2_getcap handles-permanent", contains("- 0x40000001"));
    s.ok("getcap-handles-pcr", "tpm2_getcap handles-pcr", contains("- 0x0", "- 0x17"));
    s.ok("getcap-handles-nv-index", "tpm2_getcap handles-nv-index");
    s.ok("getcap-handles-loaded-session", "tpm2_getcap handles-loaded-session");
    s.ok("getcap-handles-saved-session", "tpm2_getcap handles-saved-session");
    s.ok("readclock", "tpm2_readclock", contains("clock_info:", "reset_count:", "safe:"));

    // Hashing.
    s.ok("hash-sha256", "tpm2_hash -g sha256 --hex data.txt", equalsHex(sha("SHA-256", DATA)));
    s.ok("hash-sha1", "tpm2_hash -g sha1 --hex data.txt", equalsHex(sha("SHA-1", DATA)));
    s.ok("hash-sha384", "tpm2_hash -g sha384 --hex data.txt", equalsHex(sha("SHA-384", DATA)));
    s.ok(
        "hash-ticket",
        "tpm2_hash -g sha256 -o hash.bin -t hash.ticket data.txt",
        fileIs("hash.bin", sha("SHA-256", DATA)));

    // PCRs: reset, extend, event, read; PCR 0 cannot be reset from locality 0.
    s.ok("pcrreset-16", "tpm2_pcrreset 16");
    s.ok("pcrread-16-reset", "tpm2_pcrread sha256:16", pcr(16, new byte[32]));
    s.ok("pcrextend-16", "tpm2_pcrextend 16:sha256=" + EXTEND_VALUE);
    s.ok("pcrread-16-extended", "tpm2_pcrread sha256:16", pcr(16, extended));
    s.ok(
        "pcrevent-16",
        "tpm2_pcrevent 16 data.txt",
        contains("sha256: " + HexFormat.of().formatHex(sha("SHA-256", DATA))));
    s.ok("pcrread-16-evented", "tpm2_pcrread sha256:16", pcr(16, evented));
    s.ok("pcrread-sha1-16", "tpm2_pcrread sha1:16", pcr(16, sha1Evented));
    s.ok("pcrread-all", "tpm2_pcrread", contains("sha256:", "23:"));
    s.fails("pcrreset-0-refused", "tpm2_pcrreset 0");
    s.ok("pcrreset-16-again", "tpm2_pcrreset 16");
    s.ok("pcrread-16-reset-again", "tpm2_pcrread sha256:16", pcr(16, new byte[32]));

    // Hierarchies: authorisation values, enables, dictionary-attack parameters, Clear.
    s.ok("changeauth-owner", "tpm2_changeauth -c owner ownerpw");
    s.ok(
        "getcap-owner-auth-set",
        "tpm2_getcap properties-variable",
        matches("(?s).*ownerAuthSet:\\s+1.*"));
    s.fails("changeauth-owner-wrong-password", "tpm2_changeauth -c owner -p wrongpw other");
    s.ok("changeauth-owner-back", "tpm2_changeauth -c owner -p ownerpw");
    s.ok("changeauth-endorsement", "tpm2_changeauth -c endorsement endpw");
    s.ok("changeauth-endorsement-back", "tpm2_changeauth -c endorsement -p endpw");
    s.ok("changeauth-lockout", "tpm2_changeauth -c lockout lockpw");
    s.ok("changeauth-lockout-back", "tpm2_changeauth -c lockout -p lockpw");
    s.ok("hierarchycontrol-sh-off", "tpm2_hierarchycontrol -C p shEnable clear");
    s.ok(
        "getcap-sh-disabled", "tpm2_getcap properties-variable", matches("(?s).*shEnable:\\s+0.*"));
    s.ok("hierarchycontrol-sh-on", "tpm2_hierarchycontrol -C p shEnable set");
    s.ok("getcap-sh-enabled", "tpm2_getcap properties-variable", matches("(?s).*shEnable:\\s+1.*"));
    s.ok("dictionarylockout-setup", "tpm2_dictionarylockout -s -n 5 -t 6 -l 7");
    s.ok(
        "getcap-da-parameters",
        "tpm2_getcap properties-variable",
        contains(
            "TPM2_PT_MAX_AUTH_FAIL: 0x5",
            "TPM2_PT_LOCKOUT_INTERVAL: 0x6",
            "TPM2_PT_LOCKOUT_RECOVERY: 0x7"));
    s.ok("dictionarylockout-clear", "tpm2_dictionarylockout -c");
    s.ok("changeauth-owner-before-clear", "tpm2_changeauth -c owner ownerpw2");
    s.ok("clear", "tpm2_clear");
    s.ok(
        "getcap-owner-auth-cleared",
        "tpm2_getcap properties-variable",
        matches("(?s).*ownerAuthSet:\\s+0.*"));
    s.ok("clearcontrol-disable", "tpm2_clearcontrol -C l s");
    s.fails("clear-disabled-refused", "tpm2_clear");
    s.ok("clearcontrol-enable", "tpm2_clearcontrol -C p c");
    s.ok("clear-again", "tpm2_clear");

    // Sessions and policies (trial sessions give the same digests on every TPM).
    s.ok("startauthsession-trial", "tpm2_startauthsession -S trial.ctx");
    s.ok(
        "policypcr-trial",
        "tpm2_policypcr -S trial.ctx -l sha256:0,1 -L pcr.pol",
        fileSize("pcr.pol", 32),
        "pcr.pol");
    s.ok("policyrestart", "tpm2_policyrestart -S trial.ctx");
    s.ok(
        "policycommandcode-trial",
        "tpm2_policycommandcode -S trial.ctx -L cc.pol TPM2_CC_Unseal",
        fileSize("cc.pol", 32),
        "cc.pol");
    s.ok("policyrestart-2", "tpm2_policyrestart -S trial.ctx");
    s.ok(
        "policypassword-trial",
        "tpm2_policypassword -S trial.ctx -L pw.pol",
        fileSize("pw.pol", 32),
        "pw.pol");
    s.ok("policyrestart-3", "tpm2_policyrestart -S trial.ctx");
    s.ok(
        "policyauthvalue-trial",
        "tpm2_policyauthvalue -S trial.ctx -L av.pol",
        fileSize("av.pol", 32),
        "av.pol");
    s.ok("policyrestart-4", "tpm2_policyrestart -S trial.ctx");
    s.ok(
        "policylocality-trial",
        "tpm2_policylocality -S trial.ctx -L loc.pol zero",
        fileSize("loc.pol", 32),
        "loc.pol");
    s.ok("policyrestart-5", "tpm2_policyrestart -S trial.ctx");
    s.ok(
        "policysecret-trial",
        "tpm2_policysecret -S trial.ctx -c o -L secret.pol",
        fileSize("secret.pol", 32),
        "secret.pol");
    s.ok("policyrestart-6", "tpm2_policyrestart -S trial.ctx");
    s.ok(
        "policyor-trial",
        "tpm2_policyor -S trial.ctx -L or.pol sha256:pcr.pol,cc.pol",
        fileSize("or.pol", 32),
        "or.pol");
    s.ok("flushcontext-trial", "tpm2_flushcontext trial.ctx");
    s.ok("startauthsession-hmac", "tpm2_startauthsession --hmac-session -S hmac.ctx");
    s.ok("sessionconfig-encrypt", "tpm2_sessionconfig hmac.ctx --enable-encrypt --enable-decrypt");
    s.ok(
        "getrandom-encrypted-response",
        "tpm2_getrandom --hex 16 -S hmac.ctx",
        matches("[0-9a-f]{32}"));
    s.ok("changeauth-encrypted-parameter", "tpm2_changeauth -c owner -p session:hmac.ctx ownerpw3");
    s.ok("changeauth-after-encrypted", "tpm2_changeauth -c owner -p ownerpw3");
    s.ok("flushcontext-hmac", "tpm2_flushcontext hmac.ctx");
    s.ok(
        "getcap-no-sessions-left",
        "tpm2_getcap handles-saved-session",
        (r, d) -> assertEquals("", r.stdout().trim()));

    // Objects: primaries of every type, children, their use.
    s.objects();
    s.ok("createprimary-rsa", "tpm2_createprimary -C o -G rsa -c prim.ctx", contains("value: rsa"));
    s.ok(
        "readpublic-primary",
        "tpm2_readpublic -c prim.ctx -n prim.name",
        fileSizeAtLeast("prim.name", 34));
    s.ok("createprimary-rsa-again", "tpm2_createprimary -C o -G rsa -c prim2.ctx");
    s.ok(
        "readpublic-primary-again",
        "tpm2_readpublic -c prim2.ctx -n prim2.name",
        sameFile("prim.name", "prim2.name"));
    s.ok(
        "createprimary-ecc",
        "tpm2_createprimary -C o -G ecc -c prim-ecc.ctx",
        contains("value: ecc"));
    s.ok(
        "createprimary-keyedhash",
        "tpm2_createprimary -C o -G hmac -c prim-kh.ctx -a fixedtpm|fixedparent|sensitivedataorigin|userwithauth|sign",
        contains("keyedhash"));
    s.ok(
        "createprimary-aes",
        "tpm2_createprimary -C o -G aes -c prim-aes.ctx",
        contains("symcipher"));
    s.ok(
        "createprimary-endorsement",
        "tpm2_createprimary -C e -G ecc -c prim-e.ctx",
        contains("value: ecc"));
    s.ok(
        "create-rsa",
        "tpm2_create -C prim.ctx -G rsa2048 -u rsa.pub -r rsa.priv",
        contains("value: rsa"));
    s.ok(
        "load-rsa",
        "tpm2_load -C prim.ctx -u rsa.pub -r rsa.priv -c rsa.ctx -n rsa.name",
        fileSizeAtLeast("rsa.name", 34));
    s.ok("readpublic-rsa", "tpm2_readpublic -c rsa.ctx", contains("value: rsa", "bits: 2048"));
    s.ok(
        "sign-rsassa",
        "tpm2_sign -c rsa.ctx -g sha256 -s rsassa -o sig.rsassa data.txt",
        fileSize("sig.rsassa", 2 + 2 + 2 + 256));
    s.ok(
        "verifysignature-rsassa",
        "tpm2_verifysignature -c rsa.ctx -g sha256 -s sig.rsassa -m data.txt -t verified.ticket");
    s.fails(
        "verifysignature-rsassa-wrong-message",
        "tpm2_verifysignature -c rsa.ctx -g sha256 -s sig.rsassa -m secret.txt");
    s.ok("sign-rsapss", "tpm2_sign -c rsa.ctx -g sha256 -s rsapss -o sig.rsapss data.txt");
    s.ok(
        "verifysignature-rsapss",
        "tpm2_verifysignature -c rsa.ctx -g sha256 -s sig.rsapss -m data.txt");
    s.ok(
        "rsaencrypt-oaep",
        "tpm2_rsaencrypt -c rsa.ctx -s oaep -o rsa.ct data.txt",
        fileSize("rsa.ct", 256));
    s.ok(
        "rsadecrypt-oaep",
        "tpm2_rsadecrypt -c rsa.ctx -s oaep -o rsa.pt rsa.ct",
        fileIs("rsa.pt", DATA));
    s.ok("rsaencrypt-rsaes", "tpm2_rsaencrypt -c rsa.ctx -s rsaes -o rsaes.ct data.txt");
    s.ok(
        "rsadecrypt-rsaes",
        "tpm2_rsadecrypt -c rsa.ctx -s rsaes -o rsaes.pt rsaes.ct",
        fileIs("rsaes.pt", DATA));
    s.ok("create-ecc", "tpm2_create -C prim.ctx -G ecc256 -u ecc.pub -r ecc.priv");
    s.ok("load-ecc", "tpm2_load -C prim.ctx -u ecc.pub -r ecc.priv -c ecc.ctx");
    s.ok("sign-ecdsa", "tpm2_sign -c ecc.ctx -g sha256 -o sig.ecdsa data.txt");
    s.ok(
        "verifysignature-ecdsa",
        "tpm2_verifysignature -c ecc.ctx -g sha256 -s sig.ecdsa -m data.txt");
    s.ok("create-aes", "tpm2_create -C prim.ctx -G aes128cfb -u aes.pub -r aes.priv");
    s.ok("load-aes", "tpm2_load -C prim.ctx -u aes.pub -r aes.priv -c aes.ctx");
    s.ok(
        "encryptdecrypt-encrypt",
        "tpm2_encryptdecrypt -c aes.ctx -o aes.ct data.txt",
        fileSize("aes.ct", DATA.length));
    s.ok(
        "encryptdecrypt-decrypt",
        "tpm2_encryptdecrypt -c aes.ctx -d -o aes.pt aes.ct",
        fileIs("aes.pt", DATA));
    s.ok("create-hmac", "tpm2_create -C prim.ctx -G hmac -u hmac.pub -r hmac.priv");
    s.ok("load-hmac", "tpm2_load -C prim.ctx -u hmac.pub -r hmac.priv -c hmac.ctx");
    s.ok("hmac", "tpm2_hmac -c hmac.ctx --hex data.txt", matches("[0-9a-f]{64}"));
    s.ok("create-sealed", "tpm2_create -C prim.ctx -i secret.txt -u seal.pub -r seal.priv");
    s.ok("load-sealed", "tpm2_load -C prim.ctx -u seal.pub -r seal.priv -c seal.ctx");
    s.ok("unseal", "tpm2_unseal -c seal.ctx -o unsealed.txt", fileIs("unsealed.txt", SECRET));
    s.ok("objectchangeauth", "tpm2_changeauth -c seal.ctx -C prim.ctx -r seal-new.priv newpw");
    s.ok(
        "load-sealed-newauth",
        "tpm2_load -C prim.ctx -u seal.pub -r seal-new.priv -c seal-new.ctx");
    s.ok(
        "unseal-newauth",
        "tpm2_unseal -c seal-new.ctx -p newpw -o unsealed-new.txt",
        fileIs("unsealed-new.txt", SECRET));
    s.fails("unseal-newauth-wrong", "tpm2_unseal -c seal-new.ctx -p oldpw");

    // Unseal under policies.
    for (String[] p :
        new String[][] {
          {"pcr", "tpm2_policypcr -S %s -l sha256:0,1", ""},
          {"cc", "tpm2_policycommandcode -S %s TPM2_CC_Unseal", ""},
          {"pw", "tpm2_policypassword -S %s", "+sealpw"},
          {"av", "tpm2_policyauthvalue -S %s", "+sealpw"},
          {"secret", "tpm2_policysecret -S %s -c o", ""},
        }) {
      String name = p[0];
      String auth = p[2].isEmpty() ? "" : " -p sealpw";
      s.ok(
          "create-sealed-" + name,
          "tpm2_create -C prim.ctx -i secret.txt -u seal-"
              + name
              + ".pub -r seal-"
              + name
              + ".priv -L "
              + name
              + ".pol"
              + auth);
      s.ok(
          "load-sealed-" + name,
          "tpm2_load -C prim.ctx -u seal-"
              + name
              + ".pub -r seal-"
              + name
              + ".priv -c seal-"
              + name
              + ".ctx");
      s.ok(
          "startauthsession-policy-" + name,
          "tpm2_startauthsession --policy-session -S policy-" + name + ".ctx");
      s.ok("policy-" + name, p[1].formatted("policy-" + name + ".ctx"));
      s.ok(
          "unseal-policy-" + name,
          "tpm2_unseal -c seal-"
              + name
              + ".ctx -p session:policy-"
              + name
              + ".ctx"
              + p[2]
              + " -o unsealed-"
              + name
              + ".txt",
          fileIs("unsealed-" + name + ".txt", SECRET));
      s.ok("flushcontext-policy-" + name, "tpm2_flushcontext policy-" + name + ".ctx");
    }
    s.fails("unseal-policy-pcr-without-session", "tpm2_unseal -c seal-pcr.ctx");
    s.ok(
        "create-sealed-or",
        "tpm2_create -C prim.ctx -i secret.txt -u seal-or.pub -r seal-or.priv -L or.pol");
    s.ok("load-sealed-or", "tpm2_load -C prim.ctx -u seal-or.pub -r seal-or.priv -c seal-or.ctx");
    s.ok("startauthsession-policy-or", "tpm2_startauthsession --policy-session -S policy-or.ctx");
    s.ok("policy-or-branch", "tpm2_policycommandcode -S policy-or.ctx TPM2_CC_Unseal");
    s.ok("policy-or", "tpm2_policyor -S policy-or.ctx sha256:pcr.pol,cc.pol");
    s.ok(
        "unseal-policy-or",
        "tpm2_unseal -c seal-or.ctx -p session:policy-or.ctx -o unsealed-or.txt",
        fileIs("unsealed-or.txt", SECRET));
    s.ok("flushcontext-policy-or", "tpm2_flushcontext policy-or.ctx");
    s.ok("pcrextend-0-breaks-policy", "tpm2_pcrextend 0:sha256=" + EXTEND_VALUE);
    s.ok(
        "startauthsession-policy-stale",
        "tpm2_startauthsession --policy-session -S policy-stale.ctx");
    s.ok("policy-pcr-stale", "tpm2_policypcr -S policy-stale.ctx -l sha256:0,1");
    s.fails("unseal-policy-pcr-stale", "tpm2_unseal -c seal-pcr.ctx -p session:policy-stale.ctx");
    s.ok("flushcontext-policy-stale", "tpm2_flushcontext policy-stale.ctx");

    // PolicySigned: an outside RSA key (the same on every TPM, so the policy digests match).
    s.ok(
        "loadexternal-signer",
        "tpm2_loadexternal -C o -G rsa -u signer.pub.pem -c signer.ctx",
        contains("name: 000b"));
    s.ok(
        "startauthsession-policy-signed",
        "tpm2_startauthsession --policy-session -S policy-signed.ctx");
    s.ok(
        "policysigned-raw",
        "tpm2_policysigned -S policy-signed.ctx -g sha256 -c signer.ctx --raw-data signed.raw",
        fileSize("signed.raw", 4));
    s.ok(
        "openssl-sign-policy",
        "openssl dgst -sha256 -sign signer.pem -out signed.sig signed.raw",
        fileSize("signed.sig", 256));
    s.ok(
        "policysigned",
        "tpm2_policysigned -S policy-signed.ctx -g sha256 -s signed.sig -f rsassa -c signer.ctx"
            + " -L signed.pol",
        fileSize("signed.pol", 32),
        "signed.pol");
    s.ok("flushcontext-policy-signed", "tpm2_flushcontext policy-signed.ctx");

    // Salted sessions (salt encrypted to a loaded key).
    s.ok(
        "startauthsession-salted",
        "tpm2_startauthsession --hmac-session -c prim.ctx -S salted.ctx");
    s.ok("sessionconfig-salted", "tpm2_sessionconfig salted.ctx --enable-encrypt");
    s.ok("getrandom-salted", "tpm2_getrandom --hex 16 -S salted.ctx", matches("[0-9a-f]{32}"));
    s.ok("flushcontext-salted", "tpm2_flushcontext salted.ctx");

    // Attestation: EK, AK, quote, certify, credentials.
    s.ok("createek-rsa", "tpm2_createek -c ek.ctx -G rsa -u ek.pub");
    s.ok("createek-ecc", "tpm2_createek -c ek-ecc.ctx -G ecc -u ek-ecc.pub");
    s.ok(
        "createak",
        "tpm2_createak -C ek.ctx -c ak.ctx -G rsa -g sha256 -s rsassa -u ak.pub -n ak.name -f pem");
    s.ok(
        "quote",
        "tpm2_quote -c ak.ctx -l sha256:0,16 -q 0badc0de -m quote.msg -s quote.sig -o quote.pcrs -g sha256",
        contains("pcrs:"));
    s.ok(
        "checkquote",
        "tpm2_checkquote -u ak.pub -m quote.msg -s quote.sig -f quote.pcrs -g sha256 -q 0badc0de");
    s.fails(
        "checkquote-wrong-nonce",
        "tpm2_checkquote -u ak.pub -m quote.msg -s quote.sig -f quote.pcrs -g sha256 -q 0badbeef");
    s.ok(
        "certify",
        "tpm2_certify -c rsa.ctx -C ak.ctx -g sha256 -o certify.attest -s certify.sig",
        signedByAk("certify.attest", "certify.sig", TPM_ST_ATTEST_CERTIFY));
    s.ok(
        "createprimary-creation",
        "tpm2_createprimary -C o -c prim-cc.ctx --creation-data prim-cc.data -d prim-cc.digest"
            + " -t prim-cc.ticket");
    s.ok(
        "certifycreation",
        "tpm2_certifycreation -C ak.ctx -c prim-cc.ctx -d prim-cc.digest -t prim-cc.ticket"
            + " -g sha256 -s rsassa -f plain -o certifycreation.sig"
            + " --attestation certifycreation.attest",
        signedByAk("certifycreation.attest", "certifycreation.sig", TPM_ST_ATTEST_CREATION));
    s.ok(
        "gettime",
        "tpm2_gettime -c ak.ctx -q 0badc0de -f plain -o time.sig --attestation time.attest",
        signedByAk("time.attest", "time.sig", TPM_ST_ATTEST_TIME));
    s.ok("startauthsession-audit", "tpm2_startauthsession -S audit.ctx --audit-session");
    s.ok("getrandom-audited", "tpm2_getrandom 8 -S audit.ctx --hex", matches("[0-9a-f]{16}"));
    s.ok(
        "getsessionauditdigest",
        "tpm2_getsessionauditdigest -c ak.ctx -g sha256 -f plain -m audit.attest -s audit.sig"
            + " -S audit.ctx",
        signedByAk("audit.attest", "audit.sig", TPM_ST_ATTEST_SESSION_AUDIT));
    s.ok("flushcontext-audit", "tpm2_flushcontext audit.ctx");
    s.ok(
        "makecredential",
        "tpm2_makecredential -e ek.pub -s secret.txt -n {hex:ak.name} -o cred.out");
    s.ok("startauthsession-endorsement", "tpm2_startauthsession --policy-session -S ek-policy.ctx");
    s.ok("policysecret-endorsement", "tpm2_policysecret -S ek-policy.ctx -c e");
    s.ok(
        "activatecredential",
        "tpm2_activatecredential -c ak.ctx -C ek.ctx -i cred.out -o activated.txt -P session:ek-policy.ctx",
        fileIs("activated.txt", SECRET));
    s.ok("flushcontext-endorsement", "tpm2_flushcontext ek-policy.ctx");

    // Persistent objects.
    s.ok(
        "evictcontrol-persist",
        "tpm2_evictcontrol -C o -c prim.ctx 0x81000001",
        contains("persistent-handle: 0x81000001"));
    s.ok("getcap-persistent", "tpm2_getcap handles-persistent", contains("0x81000001"));
    s.ok(
        "readpublic-persistent",
        "tpm2_readpublic -c 0x81000001 -n persistent.name",
        sameFile("prim.name", "persistent.name"));
    s.ok("evictcontrol-evict", "tpm2_evictcontrol -C o -c 0x81000001");
    s.ok(
        "getcap-persistent-gone",
        "tpm2_getcap handles-persistent",
        (r, d) -> assertEquals("", r.stdout().trim()));

    // Import and duplication.
    s.ok(
        "import-aes", "tpm2_import -C prim.ctx -G aes -i sym.key -u imported.pub -r imported.priv");
    s.ok("load-imported", "tpm2_load -C prim.ctx -u imported.pub -r imported.priv -c imported.ctx");
    s.ok(
        "encrypt-imported",
        "tpm2_encryptdecrypt -c imported.ctx -o imported.ct data.txt",
        fileIs("imported.ct", aesCfb(SYM_KEY, DATA)));
    s.ok("startauthsession-dup-trial", "tpm2_startauthsession -S dup-trial.ctx");
    s.ok(
        "policycommandcode-dup",
        "tpm2_policycommandcode -S dup-trial.ctx -L dup.pol TPM2_CC_Duplicate",
        TpmScript.Check.NONE,
        "dup.pol");
    s.ok("flushcontext-dup-trial", "tpm2_flushcontext dup-trial.ctx");
    s.ok(
        "create-duplicable",
        "tpm2_create -C prim.ctx -G rsa -u dupkey.pub -r dupkey.priv -L dup.pol -a sensitivedataorigin|userwithauth|decrypt|sign");
    s.ok("load-duplicable", "tpm2_load -C prim.ctx -u dupkey.pub -r dupkey.priv -c dupkey.ctx");
    s.ok(
        "create-new-parent",
        "tpm2_create -C prim.ctx -G rsa -u newparent.pub -r newparent.priv -a decrypt|fixedparent|fixedtpm|restricted|sensitivedataorigin|userwithauth");
    s.ok("loadexternal-new-parent", "tpm2_loadexternal -C o -u newparent.pub -c newparent-ext.ctx");
    s.ok("startauthsession-dup", "tpm2_startauthsession --policy-session -S dup.ctx");
    s.ok("policycommandcode-dup-real", "tpm2_policycommandcode -S dup.ctx TPM2_CC_Duplicate");
    s.ok(
        "duplicate",
        "tpm2_duplicate -C newparent-ext.ctx -c dupkey.ctx -G null -p session:dup.ctx -r dup.priv -s dup.seed");
    s.ok("flushcontext-dup", "tpm2_flushcontext dup.ctx");
    s.ok(
        "load-new-parent",
        "tpm2_load -C prim.ctx -u newparent.pub -r newparent.priv -c newparent.ctx");
    s.ok(
        "import-duplicate",
        "tpm2_import -C newparent.ctx -u dupkey.pub -i dup.priv -r dupkey-imported.priv -s dup.seed");
    s.ok(
        "load-imported-duplicate",
        "tpm2_load -C newparent.ctx -u dupkey.pub -r dupkey-imported.priv -c dupkey-imported.ctx");

    // ECDH.
    s.ok(
        "create-ecdh",
        "tpm2_create -C prim.ctx -G ecc256:ecdh -u ecdh.pub -r ecdh.priv -a decrypt|fixedtpm|fixedparent|sensitivedataorigin|userwithauth");
    s.ok("load-ecdh", "tpm2_load -C prim.ctx -u ecdh.pub -r ecdh.priv -c ecdh.ctx");
    s.ok("ecdhkeygen", "tpm2_ecdhkeygen -c ecdh.ctx -u ephemeral.pub -o z-keygen.bin");
    s.ok(
        "ecdhzgen",
        "tpm2_ecdhzgen -c ecdh.ctx -u ephemeral.pub -o z-zgen.bin",
        sameFile("z-keygen.bin", "z-zgen.bin"));
    s.ok(
        "geteccparameters",
        "tpm2_geteccparameters ecc256 -o ecc256.params",
        TpmScript.Check.NONE,
        "ecc256.params");

    // Algorithm tests.
    s.ok("testparms-rsa2048", "tpm2_testparms rsa2048");
    s.ok("testparms-ecc256", "tpm2_testparms ecc256");
    s.ok("testparms-ecc384", "tpm2_testparms ecc384");
    s.ok("testparms-aes128cfb", "tpm2_testparms aes128cfb");
    s.ok("testparms-aes256cfb", "tpm2_testparms aes256cfb");
    s.ok("testparms-hmac", "tpm2_testparms hmac");

    // NV: ordinary, counter, extend and bit-field indices; locks; authorisation.
    s.ok("nvdefine-ordinary", "tpm2_nvdefine 0x1500016 -C o -s 32 -a ownerread|ownerwrite");
    s.ok("nvwrite-ordinary", "tpm2_nvwrite 0x1500016 -C o -i data32.bin");
    s.ok("nvread-ordinary", "tpm2_nvread 0x1500016 -C o -s 32 -o nv.out", fileIs("nv.out", DATA32));
    s.ok(
        "nvcertify",
        "tpm2_nvcertify -C ak.ctx -c o -g sha256 -s rsassa -f plain -o nvcert.sig"
            + " --attestation nvcert.attest --size 32 --offset 0 0x1500016",
        all(
            signedByAk("nvcert.attest", "nvcert.sig", TPM_ST_ATTEST_NV),
            (r, d) -> {
              byte[] attest = Files.readAllBytes(d.resolve("nvcert.attest"));
              assertArrayEquals(
                  DATA32,
                  Arrays.copyOfRange(attest, attest.length - 32, attest.length),
                  "TPMS_NV_CERTIFY_INFO ends with the index's contents");
            }));
    s.ok("nvreadpublic", "tpm2_nvreadpublic 0x1500016", contains("0x1500016", "size: 32"));
    s.ok("getcap-nv-index", "tpm2_getcap handles-nv-index", contains("0x1500016"));
    s.ok(
        "nvdefine-counter", "tpm2_nvdefine 0x1500017 -C o -s 8 -a nt=counter|ownerread|ownerwrite");
    s.ok("nvincrement-1", "tpm2_nvincrement 0x1500017 -C o");
    s.ok(
        "nvread-counter-1",
        "tpm2_nvread 0x1500017 -C o -s 8 -o counter1.bin",
        fileSize("counter1.bin", 8));
    s.ok("nvincrement-2", "tpm2_nvincrement 0x1500017 -C o");
    s.ok(
        "nvread-counter-2",
        "tpm2_nvread 0x1500017 -C o -s 8 -o counter2.bin",
        (r, d) -> assertEquals(u64(d.resolve("counter1.bin")) + 1, u64(d.resolve("counter2.bin"))));
    s.ok(
        "nvdefine-extend",
        "tpm2_nvdefine 0x1500018 -C o -s 32 -g sha256 -a nt=extend|ownerread|ownerwrite");
    s.ok("nvextend", "tpm2_nvextend 0x1500018 -C o -i data.txt");
    s.ok(
        "nvread-extend",
        "tpm2_nvread 0x1500018 -C o -s 32 -o extend.bin",
        fileIs("extend.bin", sha("SHA-256", new byte[32], DATA)));
    s.ok("nvdefine-bits", "tpm2_nvdefine 0x1500019 -C o -s 8 -a nt=bits|ownerread|ownerwrite");
    s.ok("nvsetbits", "tpm2_nvsetbits 0x1500019 -C o -i 0x5");
    s.ok("nvsetbits-more", "tpm2_nvsetbits 0x1500019 -C o -i 0x100");
    s.ok(
        "nvread-bits",
        "tpm2_nvread 0x1500019 -C o -s 8 -o bits.bin",
        fileIs("bits.bin", ByteBuffer.allocate(8).putLong(0x105).array()));
    s.ok(
        "nvdefine-writelock",
        "tpm2_nvdefine 0x150001a -C o -s 16 -a ownerread|ownerwrite|write_stclear");
    s.ok("nvwrite-before-lock", "tpm2_nvwrite 0x150001a -C o -i sym.key");
    s.ok("nvwritelock", "tpm2_nvwritelock 0x150001a -C o");
    s.fails("nvwrite-locked", "tpm2_nvwrite 0x150001a -C o -i sym.key");
    s.ok(
        "nvdefine-readlock",
        "tpm2_nvdefine 0x150001b -C o -s 16 -a ownerread|ownerwrite|read_stclear");
    s.ok("nvwrite-readlock", "tpm2_nvwrite 0x150001b -C o -i sym.key");
    s.ok("nvreadlock", "tpm2_nvreadlock 0x150001b -C o");
    s.fails("nvread-locked", "tpm2_nvread 0x150001b -C o -s 16");
    s.ok("nvdefine-authvalue", "tpm2_nvdefine 0x150001c -C o -s 16 -p nvpw -a authread|authwrite");
    s.ok("nvwrite-authvalue", "tpm2_nvwrite 0x150001c -P nvpw -i sym.key");
    s.ok(
        "nvread-authvalue",
        "tpm2_nvread 0x150001c -P nvpw -s 16 -o nvauth.out",
        fileIs("nvauth.out", SYM_KEY));
    s.fails("nvread-authvalue-wrong", "tpm2_nvread 0x150001c -P wrongpw -s 16");
    for (String index :
        List.of(
            "0x1500016",
            "0x1500017",
            "0x1500018",
            "0x1500019",
            "0x150001a",
            "0x150001b",
            "0x150001c")) {
      s.ok("nvundefine-" + index, "tpm2_nvundefine " + index + " -C o");
    }
    s.ok(
        "getcap-nv-index-empty",
        "tpm2_getcap handles-nv-index",
        (r, d) -> assertEquals("", r.stdout().trim()));

    // The end of a session: Shutdown(CLEAR).
    s.ok("shutdown-clear", "tpm2_shutdown -c");
    return s;
  }

  // ----------------------------------------------------------------------------- checks

  private static List<String> capabilityList() {
    return CAPABILITIES.stream().map(c -> "- " + c).toList();
  }

  private static List<String> lines(TpmClientTools.Result r) {
    return r.stdout().lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
  }

  private static String pem(String type, Key key) {
    return "-----BEGIN %s-----%n%s%n-----END %s-----%n"
        .formatted(
            type,
            Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(key.getEncoded()),
            type);
  }

  static TpmScript.Check all(TpmScript.Check... checks) {
    return (r, d) -> {
      for (TpmScript.Check check : checks) {
        check.verify(r, d);
      }
    };
  }

  /**
   * The attestation file is a TPMS_ATTEST of {@code type} ("\xffTCG" magic first) and the signature
   * (plain or a TPMT_SIGNATURE: its last 256 bytes) is RSASSA-SHA256 over it by the AK ({@code
   * ak.pub}, PEM, from tpm2_createak).
   */
  static TpmScript.Check signedByAk(String attestFile, String signatureFile, int type) {
    return (r, d) -> {
      byte[] attest = Files.readAllBytes(d.resolve(attestFile));
      ByteBuffer header = ByteBuffer.wrap(attest);
      assertEquals(0xff544347, header.getInt(), attestFile + ": TPM_GENERATED_VALUE");
      assertEquals(type, header.getShort() & 0xffff, attestFile + ": TPMI_ST_ATTEST");
      byte[] sig = Files.readAllBytes(d.resolve(signatureFile));
      String pemText = Files.readString(d.resolve("ak.pub"));
      byte[] der =
          Base64.getMimeDecoder()
              .decode(pemText.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", ""));
      PublicKey ak = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
      Signature verifier = Signature.getInstance("SHA256withRSA");
      verifier.initVerify(ak);
      verifier.update(attest);
      assertTrue(
          verifier.verify(Arrays.copyOfRange(sig, sig.length - 256, sig.length)),
          signatureFile + " is not the AK's signature over " + attestFile);
    };
  }

  static TpmScript.Check contains(String... parts) {
    return (r, d) -> {
      for (String part : parts) {
        assertTrue(r.stdout().contains(part), "output lacks '" + part + "': " + r.stdout());
      }
    };
  }

  static TpmScript.Check matches(String regex) {
    Pattern p = Pattern.compile(regex);
    return (r, d) ->
        assertTrue(
            p.matcher(r.stdout().trim()).matches(), "output is not " + regex + ": " + r.stdout());
  }

  static TpmScript.Check equalsHex(byte[] expected) {
    return (r, d) ->
        assertEquals(
            HexFormat.of().formatHex(expected), r.stdout().trim().toLowerCase(Locale.ROOT));
  }

  /** {@code tpm2_pcrread} prints " 16: 0xHEX" for the PCR. */
  static TpmScript.Check pcr(int index, byte[] value) {
    String hex = HexFormat.of().withUpperCase().formatHex(value);
    return contains("%-2d: 0x%s".formatted(index, hex));
  }

  static TpmScript.Check fileIs(String file, byte[] expected) {
    return (r, d) -> {
      Path path = d.resolve(file);
      assertTrue(Files.isRegularFile(path), file + " was not written");
      assertArrayEquals(expected, Files.readAllBytes(path), file + " holds the wrong bytes");
    };
  }

  static TpmScript.Check fileSize(String file, int sizeBytes) {
    return (r, d) -> assertEquals(sizeBytes, Files.size(d.resolve(file)), file + " size");
  }

  static TpmScript.Check fileSizeAtLeast(String file, int sizeBytes) {
    return (r, d) ->
        assertTrue(
            Files.size(d.resolve(file)) >= sizeBytes, file + " is shorter than " + sizeBytes);
  }

  static TpmScript.Check sameFile(String a, String b) {
    return (r, d) ->
        assertArrayEquals(
            Files.readAllBytes(d.resolve(a)),
            Files.readAllBytes(d.resolve(b)),
            a + " and " + b + " differ");
  }

  static long u64(Path file) throws Exception {
    return ByteBuffer.wrap(Files.readAllBytes(file)).getLong();
  }

  static byte[] sha(String algorithm, byte[]... parts) throws Exception {
    MessageDigest md = MessageDigest.getInstance(algorithm);
    for (byte[] part : parts) {
      md.update(part);
    }
    return md.digest();
  }

  /** AES-128-CFB with a zero IV: what TPM2_EncryptDecrypt gives for an imported AES key. */
  static byte[] aesCfb(byte[] key, byte[] data) {
    try {
      javax.crypto.Cipher c = javax.crypto.Cipher.getInstance("AES/CFB/NoPadding");
      c.init(
          javax.crypto.Cipher.ENCRYPT_MODE,
          new javax.crypto.spec.SecretKeySpec(key, "AES"),
          new javax.crypto.spec.IvParameterSpec(new byte[16]));
      return c.doFinal(data);
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
