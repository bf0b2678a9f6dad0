package io.parasol.tools.cli;

import io.parasol.igvm.format.Blob;
import io.parasol.igvm.format.IgvmFile;
import io.parasol.igvm.format.IgvmWriter;
import io.parasol.igvm.sign.IdBlockSigner;
import io.parasol.igvm.sign.IdBlockVerifier;
import io.parasol.igvm.sign.P384Key;
import io.parasol.igvm.sign.SigningException;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code parasol igvm sign}: put a signed SEV-SNP ID block into an IGVM file. */
@Command(
    name = "sign",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Sign the SEV-SNP platform of FILE: compute its launch digest, build the",
      "ID block with its GUEST_POLICY, sign it with --id-key (ECDSA P-384), and",
      "with --author-key sign the ID key too; write the file with the",
      "SNP_ID_BLOCK to --out. Signing is deterministic (RFC 6979)."
    })
final class IgvmSignCommand implements Callable<Integer> {
  @CommandLine.Parameters(paramLabel = "FILE", description = "The IGVM file to sign.")
  Path path;

  @Option(
      names = "--id-key",
      required = true,
      paramLabel = "KEY.pem",
      description = "The ID key: P-384 private key, PEM (PKCS#8 or SEC 1).")
  Path idKey;

  @Option(
      names = "--author-key",
      paramLabel = "KEY.pem",
      description = "The author key, which signs the ID key (optional).")
  Path authorKey;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "FILE",
      description = "Where to write the signed file.")
  Path out;

  @Option(
      names = "--family-id",
      paramLabel = "HEX",
      description = "16-byte family ID in hex (default zeros).")
  String familyId;

  @Option(
      names = "--image-id",
      paramLabel = "HEX",
      description = "16-byte image ID in hex (default zeros).")
  String imageId;

  @Option(
      names = "--svn",
      paramLabel = "N",
      defaultValue = "0",
      description = "Guest SVN (default ${DEFAULT-VALUE}).")
  int svn;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    IdBlockSigner.Identity identity =
        new IdBlockSigner.Identity(id("--family-id", familyId), id("--image-id", imageId), svn);
    return IgvmCommand.guarded(
        spec,
        () -> {
          IgvmFile file = IgvmCommand.load(path).file();
          P384Key id = key(idKey, "ID");
          Optional<P384Key> author =
              authorKey == null ? Optional.empty() : Optional.of(key(authorKey, "author"));
          IgvmFile signed;
          try {
            signed = IdBlockSigner.sign(file, identity, id, author);
          } catch (SigningException e) {
            throw new IgvmCommand.Failure(IgvmCommand.EXIT_MISSING, path + ": " + e.getMessage());
          }
          IgvmCommand.writeAtomically(out, IgvmWriter.write(signed));
          IdBlockVerifier.Verdict verdict = IdBlockVerifier.verify(signed).getFirst();
          spec.commandLine()
              .getOut()
              .printf(
                  "signed %s -> %s%nID key digest (SHA-384): %s%n",
                  path, out, verdict.idKeyDigest());
          verdict
              .authorKeyDigest()
              .ifPresent(
                  d -> spec.commandLine().getOut().println("author key digest (SHA-384): " + d));
          return 0;
        });
  }

  private P384Key key(Path file, String which) throws IgvmCommand.Failure {
    try {
      return P384Key.readPem(file);
    } catch (SigningException e) {
      throw new IgvmCommand.Failure(
          IgvmCommand.EXIT_IO, "the " + which + " key: " + e.getMessage());
    }
  }

  private Blob id(String option, String hex) {
    if (hex == null) {
      return Blob.zeros(16);
    }
    try {
      byte[] bytes = HexFormat.of().parseHex(hex);
      if (bytes.length != 16) {
        throw new IllegalArgumentException("it is " + bytes.length + " bytes");
      }
      return Blob.of(bytes);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), option + " must be 16 bytes in hex (32 digits): " + e.getMessage());
    }
  }
}
