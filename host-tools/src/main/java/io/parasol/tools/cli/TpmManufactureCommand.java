package io.parasol.tools.cli;

import io.parasol.tpm.manufacture.EkCertificateIssuer;
import io.parasol.tpm.manufacture.EkKind;
import io.parasol.tpm.manufacture.ManufactureException;
import io.parasol.tpm.manufacture.TpmManufacturer;
import io.parasol.tpm.server.TpmService;
import io.parasol.tpm.state.TpmStateException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code parasol tpm manufacture}: gives a vTPM state its Endorsement Keys' certificates, issued by
 * a CA the user supplies, as a TPM vendor's manufacturing line does. It parses options only; the
 * work is {@link TpmManufacturer}.
 */
@Command(
    name = "manufacture",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Provision the vTPM in --state DIR (a new one is made when DIR holds",
      "none) with EK certificates: the EKs come from the TCG EK Credential",
      "Profile templates (low range), each certificate is issued by --ca-key/",
      "--ca-cert and stored in its NV index (RSA-2048: 0x01C00002, ECC P-256:",
      "0x01C0000A), platform-written and write-locked. Running it again",
      "replaces the certificates; the EKs stay (they come from the seed)."
    },
    footer = {
      "",
      "Exit codes: 0 manufactured; 1 a TPM command or the CA failed; 2 bad",
      "usage; 3, 4, 5 the state cannot be used (as for tpm serve)."
    })
final class TpmManufactureCommand implements Callable<Integer> {
  static final int EXIT_FAILED = 1;

  @Option(
      names = "--state",
      required = true,
      paramLabel = "DIR",
      description = "The state directory (created mode 0700 if missing).")
  Path stateDirectory;

  @Option(
      names = "--key-file",
      paramLabel = "FILE",
      description = "The 32-byte state key file (default: DIR.key beside DIR).")
  Path keyFile;

  @Option(
      names = "--ca-key",
      required = true,
      paramLabel = "PEM",
      description = "The CA's private key (PEM: PKCS#8, PKCS#1 RSA or SEC 1 EC; unencrypted).")
  Path caKey;

  @Option(
      names = "--ca-cert",
      required = true,
      paramLabel = "CERT",
      description = "The CA's certificate (PEM or DER).")
  Path caCertificate;

  @Option(
      names = "--ek",
      paramLabel = "KIND",
      defaultValue = "both",
      description = "rsa2048, ecc-p256 or both (default: ${DEFAULT-VALUE}).")
  String ek;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Set<EkKind> kinds = kinds();
    EkCertificateIssuer issuer;
    try {
      issuer = EkCertificateIssuer.fromFiles(caKey, caCertificate);
    } catch (ManufactureException e) {
      err.println("parasol: " + Main.sentence(e));
      return EXIT_FAILED;
    }
    TpmService service;
    try {
      service =
          TpmService.builder()
              .stateDirectory(stateDirectory)
              .keyFile(keyFile != null ? keyFile : TpmService.defaultKeyFile(stateDirectory))
              .start();
    } catch (TpmStateException e) {
      err.println("parasol: " + Main.sentence(e));
      return TpmServeCommand.exitCode(e);
    } catch (IOException | IllegalArgumentException e) {
      err.println("parasol: cannot open the vTPM state: " + Main.sentence(e));
      return EXIT_FAILED;
    }
    List<TpmManufacturer.ProvisionedEk> eks;
    try {
      eks =
          TpmManufacturer.manufacture(
              service.tpm(), issuer, kinds, Instant.now(), new SecureRandom());
    } catch (ManufactureException e) {
      service.close();
      err.println("parasol: manufacturing failed: " + Main.sentence(e));
      return EXIT_FAILED;
    }
    service.close();
    if (service.saveFailure().isPresent()) {
      err.println("parasol: " + Main.sentence(service.saveFailure().get()));
      return TpmServeCommand.EXIT_SAVE_FAILED;
    }
    if (service.manufactured()) {
      out.println("state: " + service.stateFile().orElseThrow() + " (new TPM manufactured)");
    }
    for (TpmManufacturer.ProvisionedEk provisioned : eks) {
      out.printf(
          "ek %s: certificate in NV 0x%08X (%d octets), serial %s, key SHA-256 %s%n",
          provisioned.kind().cliName(),
          provisioned.kind().certificateIndex(),
          encodedLength(provisioned),
          provisioned.certificate().getSerialNumber().toString(16),
          sha256(provisioned.publicKey().getEncoded()));
    }
    out.println("state saved at generation " + service.stateGeneration());
    return 0;
  }

  private Set<EkKind> kinds() {
    if (ek.equalsIgnoreCase("both")) {
      return EnumSet.allOf(EkKind.class);
    }
    return EnumSet.of(
        EkKind.fromCliName(ek)
            .orElseThrow(
                () ->
                    new CommandLine.ParameterException(
                        spec.commandLine(), "--ek " + ek + " is not rsa2048, ecc-p256 or both")));
  }

  private static int encodedLength(TpmManufacturer.ProvisionedEk provisioned) {
    try {
      return provisioned.certificate().getEncoded().length;
    } catch (java.security.cert.CertificateEncodingException e) {
      return -1;
    }
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
