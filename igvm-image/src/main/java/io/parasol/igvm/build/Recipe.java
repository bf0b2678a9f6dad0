package io.parasol.igvm.build;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.parasol.igvm.format.PlatformType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * A declarative description of an IGVM image: the platforms with their policies, the memory, and
 * the payload. File paths are relative to the recipe's directory. Example:
 *
 * <pre>{@code
 * {
 *   "platforms": [ {"type": "snp", "policy": "0x30000", "secrets": "0xA000", "cpuid": "0xB000"},
 *                  {"type": "tdx"}, {"type": "vbs"},
 *                  {"type": "native"} ],
 *   "memory": {"bytes": "256M"},
 *   "payload": {"linux": {"kernel": "vmlinuz", "initrd": "initrd.img",
 *                         "cmdline": "console=ttyS0"}}
 * }
 * }</pre>
 *
 * or a raw payload: {@code "payload": {"pages": [{"gpa": "0x100000", "file": "guest.bin"}],
 * "entry": {"mode": "protected32", "rip": "0x100000"}}}.
 *
 * @param platforms in the order they get mask bits 0x1, 0x2, 0x4, 0x8
 * @param memoryBytes guest RAM from GPA 0 (REQUIRED_MEMORY), below the 3 GiB MMIO hole
 * @param payload what the guest runs
 */
public record Recipe(List<PlatformSpec> platforms, long memoryBytes, Payload payload) {
  /** Largest RAM an image may require: 3 GiB (the MMIO hole starts there). */
  public static final long MAX_MEMORY = 3L << 30;

  /**
   * One platform.
   *
   * @param policy the GUEST_POLICY (SNP guest policy; TDX attributes), empty for none
   */
  public record PlatformSpec(PlatformType type, Optional<Long> policy, Optional<SnpPages> snp) {
    /** A platform whose SEV-SNP pages, if it is SEV_SNP, are at the default GPAs. */
    public PlatformSpec(PlatformType type, Optional<Long> policy) {
      this(
          type,
          policy,
          type == PlatformType.SEV_SNP ? Optional.of(SnpPages.DEFAULT) : Optional.empty());
    }

    public PlatformSpec {
      if (snp.isPresent() != (type == PlatformType.SEV_SNP)) {
        throw new IllegalArgumentException(
            "SNP pages belong to an SEV_SNP platform, and only there");
      }
    }
  }

  /**
   * Where an SEV-SNP image has its secrets page (page data type SECRETS, filled by the PSP) and its
   * CPUID page (CPUID_DATA, {@link SnpCpuidPage}): recipe fields {@code "secrets"} and {@code
   * "cpuid"} of the snp platform, by default {@link Layout#SNP_SECRETS_GPA} and {@link
   * Layout#SNP_CPUID_GPA}.
   */
  public record SnpPages(long secretsGpa, long cpuidGpa) {
    public static final SnpPages DEFAULT =
        new SnpPages(Layout.SNP_SECRETS_GPA, Layout.SNP_CPUID_GPA);
  }

  /** What the guest runs. */
  public sealed interface Payload permits LinuxPayload, PagesPayload {}

  /** A Linux bzImage booted through the 64-bit boot protocol, with an optional initrd. */
  public record LinuxPayload(Path kernel, Optional<Path> initrd, String cmdline)
      implements Payload {}

  /** Raw blobs placed at GPAs, and where the VP starts. */
  public record PagesPayload(List<Blob> blobs, EntryState entry) implements Payload {}

  /**
   * A file placed at {@code gpa} (4 KiB aligned) as consecutive pages.
   *
   * @param unmeasured imported but left out of the launch measurement
   */
  public record Blob(long gpa, Path file, boolean unmeasured) {}

  public Recipe {
    platforms = List.copyOf(platforms);
    if (platforms.isEmpty()) {
      throw new IllegalArgumentException("a recipe needs at least one platform");
    }
  }

  /** Reads a recipe file. */
  public static Recipe read(Path file) throws BuildException {
    String text;
    try {
      if (Files.exists(file) && (!Files.isRegularFile(file) || Files.size(file) > (1 << 20))) {
        throw new BuildException("the recipe " + file + " is not a regular file of at most 1 MiB");
      }
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new BuildException("cannot read the recipe " + file + ": no such file");
    } catch (java.nio.charset.MalformedInputException e) {
      throw new BuildException("the recipe " + file + " is not UTF-8 text", e);
    } catch (IOException e) {
      throw new BuildException("cannot read the recipe " + file + ": " + e.getMessage(), e);
    }
    Path base = file.toAbsolutePath().getParent();
    return parse(text, base, file.toString());
  }

  /** Parses recipe JSON; relative paths resolve against {@code base}. */
  public static Recipe parse(String json, Path base, String name) throws BuildException {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(json);
    } catch (JsonProcessingException e) {
      throw new BuildException(
          name
              + " is not JSON: "
              + e.getOriginalMessage()
              + " (line "
              + e.getLocation().getLineNr()
              + ")");
    }
    return new Reader(base, name).recipe(root);
  }

  private static final class Reader {
    private final Path base;
    private final String name;

    Reader(Path base, String name) {
      this.base = base;
      this.name = name;
    }

    Recipe recipe(JsonNode root) throws BuildException {
      object(root, "");
      allowed(root, "", "platforms", "memory", "payload", "name", "description");
      JsonNode platformsNode = required(root, "", "platforms");
      if (!platformsNode.isArray() || platformsNode.isEmpty()) {
        throw error("/platforms", "must be a non-empty array");
      }
      List<PlatformSpec> platforms = new ArrayList<>();
      Set<PlatformType> seen = new HashSet<>();
      for (int i = 0; i < platformsNode.size(); i++) {
        String at = "/platforms/" + i;
        JsonNode p = platformsNode.get(i);
        object(p, at);
        allowed(p, at, "type", "policy", "secrets", "cpuid");
        String type = text(required(p, at, "type"), at + "/type");
        PlatformType platform =
            switch (type.toLowerCase(Locale.ROOT)) {
              case "snp", "sev-snp" -> PlatformType.SEV_SNP;
              case "tdx" -> PlatformType.TDX;
              case "vbs" -> PlatformType.VSM_ISOLATION;
              case "native" -> PlatformType.NATIVE;
              default -> throw error(at + "/type", "'" + type + "' is not snp, tdx, vbs or native");
            };
        if (!seen.add(platform)) {
          throw error(at + "/type", type + " is listed twice");
        }
        Optional<Long> policy =
            p.has("policy")
                ? Optional.of(number(p.get("policy"), at + "/policy"))
                : Optional.empty();
        if (policy.isPresent()
            && (platform == PlatformType.VSM_ISOLATION || platform == PlatformType.NATIVE)) {
          throw error(at + "/policy", "a " + type + " platform has no guest policy");
        }
        if (platform == PlatformType.SEV_SNP && policy.isEmpty()) {
          policy = Optional.of(0x30000L); // SMT allowed, the reserved-must-be-one bit 17
        }
        Optional<SnpPages> snp = Optional.empty();
        if (platform == PlatformType.SEV_SNP) {
          long secrets = pageGpa(p, at, "secrets", Layout.SNP_SECRETS_GPA);
          long cpuid = pageGpa(p, at, "cpuid", Layout.SNP_CPUID_GPA);
          if (secrets == cpuid) {
            throw error(at + "/cpuid", "is the secrets page's GPA too");
          }
          snp = Optional.of(new SnpPages(secrets, cpuid));
        } else {
          for (String field : List.of("secrets", "cpuid")) {
            if (p.has(field)) {
              throw error(at + "/" + field, "is for snp platforms only");
            }
          }
        }
        platforms.add(new PlatformSpec(platform, policy, snp));
      }
      JsonNode memory = required(root, "", "memory");
      object(memory, "/memory");
      allowed(memory, "/memory", "bytes");
      long memoryBytes = number(required(memory, "/memory", "bytes"), "/memory/bytes");
      if (memoryBytes < (2 << 20) || memoryBytes % 4096 != 0 || memoryBytes > MAX_MEMORY) {
        throw error("/memory/bytes", "must be a multiple of 4 KiB from 2 MiB to 3 GiB");
      }
      JsonNode payload = required(root, "", "payload");
      object(payload, "/payload");
      return new Recipe(platforms, memoryBytes, payload(payload));
    }

    private Payload payload(JsonNode payload) throws BuildException {
      if (payload.has("linux")) {
        allowed(payload, "/payload", "linux");
        JsonNode linux = payload.get("linux");
        object(linux, "/payload/linux");
        allowed(linux, "/payload/linux", "kernel", "initrd", "cmdline");
        Path kernel = path(required(linux, "/payload/linux", "kernel"), "/payload/linux/kernel");
        Optional<Path> initrd =
            linux.has("initrd")
                ? Optional.of(path(linux.get("initrd"), "/payload/linux/initrd"))
                : Optional.empty();
        String cmdline =
            linux.has("cmdline") ? text(linux.get("cmdline"), "/payload/linux/cmdline") : "";
        if (cmdline.length() > 4095 || !cmdline.chars().allMatch(c -> c >= 0x20 && c < 0x7F)) {
          throw error(
              "/payload/linux/cmdline", "must be printable ASCII of at most 4095 characters");
        }
        return new LinuxPayload(kernel, initrd, cmdline);
      }
      if (payload.has("pages")) {
        allowed(payload, "/payload", "pages", "entry");
        JsonNode pages = payload.get("pages");
        if (!pages.isArray() || pages.isEmpty()) {
          throw error("/payload/pages", "must be a non-empty array");
        }
        List<Blob> blobs = new ArrayList<>();
        for (int i = 0; i < pages.size(); i++) {
          String at = "/payload/pages/" + i;
          JsonNode b = pages.get(i);
          object(b, at);
          allowed(b, at, "gpa", "file", "unmeasured");
          long gpa = number(required(b, at, "gpa"), at + "/gpa");
          if (gpa % 4096 != 0) {
            throw error(at + "/gpa", "must be 4 KiB aligned");
          }
          boolean unmeasured = b.has("unmeasured") && bool(b.get("unmeasured"), at + "/unmeasured");
          blobs.add(new Blob(gpa, path(required(b, at, "file"), at + "/file"), unmeasured));
        }
        JsonNode entry = required(payload, "/payload", "entry");
        object(entry, "/payload/entry");
        allowed(entry, "/payload/entry", "mode", "rip", "rsp", "rsi");
        String mode = text(required(entry, "/payload/entry", "mode"), "/payload/entry/mode");
        boolean longMode =
            switch (mode) {
              case "protected32" -> false;
              case "long64" -> true;
              default ->
                  throw error("/payload/entry/mode", "'" + mode + "' is not protected32 or long64");
            };
        long rip = number(required(entry, "/payload/entry", "rip"), "/payload/entry/rip");
        long rsp =
            entry.has("rsp") ? number(entry.get("rsp"), "/payload/entry/rsp") : Layout.STACK_TOP;
        long rsi = entry.has("rsi") ? number(entry.get("rsi"), "/payload/entry/rsi") : 0;
        return new PagesPayload(blobs, new EntryState(longMode, rip, rsp, rsi, Layout.PML4_GPA));
      }
      throw error("/payload", "must have \"linux\" or \"pages\"");
    }

    private long pageGpa(JsonNode p, String at, String field, long otherwise)
        throws BuildException {
      if (!p.has(field)) {
        return otherwise;
      }
      long gpa = number(p.get(field), at + "/" + field);
      if (gpa % 4096 != 0) {
        throw error(at + "/" + field, "must be 4 KiB aligned");
      }
      return gpa;
    }

    private Path path(JsonNode node, String at) throws BuildException {
      String text = text(node, at);
      if (text.isEmpty()) {
        throw error(at, "is an empty path");
      }
      return base.resolve(text);
    }

    private BuildException error(String pointer, String problem) {
      return new BuildException(
          name + ": " + (pointer.isEmpty() ? "the recipe" : pointer) + " " + problem);
    }

    private void object(JsonNode node, String at) throws BuildException {
      if (!node.isObject()) {
        throw error(at, "must be an object");
      }
    }

    private void allowed(JsonNode node, String at, String... names) throws BuildException {
      List<String> known = List.of(names);
      for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
        String field = it.next();
        if (!known.contains(field)) {
          throw error(
              at + "/" + field,
              "is not a recipe field here (known: " + String.join(", ", known) + ")");
        }
      }
    }

    private JsonNode required(JsonNode node, String at, String field) throws BuildException {
      JsonNode value = node.get(field);
      if (value == null || value.isNull()) {
        throw error(at + "/" + field, "is missing");
      }
      return value;
    }

    private String text(JsonNode node, String at) throws BuildException {
      if (!node.isTextual()) {
        throw error(at, "must be a string");
      }
      return node.asText();
    }

    private boolean bool(JsonNode node, String at) throws BuildException {
      if (!node.isBoolean()) {
        throw error(at, "must be true or false");
      }
      return node.asBoolean();
    }

    /** A number, or a string: decimal, 0x hex, or with a K, M or G suffix (binary units). */
    private long number(JsonNode node, String at) throws BuildException {
      if (node.isIntegralNumber() && node.canConvertToLong() && node.asLong() >= 0) {
        return node.asLong();
      }
      if (!node.isTextual()) {
        throw error(
            at, "must be a non-negative integer or a string such as \"0x1000\" or \"256M\"");
      }
      String s = node.asText().trim();
      try {
        if (s.startsWith("0x") || s.startsWith("0X")) {
          return Long.parseUnsignedLong(s.substring(2).replace("_", ""), 16);
        }
        long unit = 1;
        char last = s.isEmpty() ? ' ' : Character.toUpperCase(s.charAt(s.length() - 1));
        switch (last) {
          case 'K' -> unit = 1L << 10;
          case 'M' -> unit = 1L << 20;
          case 'G' -> unit = 1L << 30;
          default -> {}
        }
        String digits = unit == 1 ? s : s.substring(0, s.length() - 1);
        long value = Long.parseLong(digits);
        if (value < 0) {
          throw new NumberFormatException();
        }
        return Math.multiplyExact(value, unit);
      } catch (NumberFormatException | ArithmeticException e) {
        throw error(at, "'" + s + "' is not a number (decimal, 0x hex, or with K, M or G)");
      }
    }
  }
}
