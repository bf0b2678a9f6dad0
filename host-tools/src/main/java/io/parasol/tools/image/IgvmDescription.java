package io.parasol.tools.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parasol.igvm.format.Blob;
import io.parasol.igvm.format.DirectiveHeader;
import io.parasol.igvm.format.HeaderType;
import io.parasol.igvm.format.IgvmFile;
import io.parasol.igvm.format.VariableHeader;
import io.parasol.igvm.format.VbsRegister;
import java.lang.reflect.RecordComponent;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Every header of a file, human readable or as JSON. Field names are the records' component names
 * (the specification's field names in camel case); blobs up to 512 bytes are shown in hex, longer
 * ones by length and SHA-256.
 */
public final class IgvmDescription {
  private static final int HEX_LIMIT = 512;
  private static final ObjectMapper JSON = new ObjectMapper();

  private IgvmDescription() {}

  /** Lines of text: the fixed header, then one line per header in file order. */
  public static List<String> text(IgvmFile file, long fileBytes) {
    List<String> lines = new ArrayList<>();
    lines.add(
        String.format(
            "IGVM format v%d, %s, %d-byte pages, %d bytes, %d headers",
            file.revision().version(),
            file.revision().architecture(),
            file.revision().pageSizeBytes(),
            fileBytes,
            file.headers().size()));
    HeaderType.Group group = null;
    int index = 0;
    for (VariableHeader h : file.headers()) {
      if (h.group() != group) {
        group = h.group();
        lines.add(group.name().toLowerCase(Locale.ROOT) + " headers:");
      }
      StringBuilder line =
          new StringBuilder(String.format("  %3d %s", index++, HeaderType.name(h.type())));
      for (RecordComponent c : h.getClass().getRecordComponents()) {
        Object value = value(h, c);
        line.append(' ').append(c.getName()).append('=').append(textValue(c.getName(), value));
      }
      if (h instanceof DirectiveHeader.VpContext v && isVbs(file, v)) {
        for (VbsRegister r : VbsRegister.decode(v.data())) {
          line.append(
              String.format(
                  "%n        vtl %d register 0x%05X = %s", r.vtl(), r.name(), hex(r.value())));
        }
      }
      lines.add(line.toString());
    }
    return lines;
  }

  /** The same as a JSON object. */
  public static JsonNode json(IgvmFile file, long fileBytes) {
    ObjectNode root = JSON.createObjectNode();
    root.put("formatVersion", file.revision().version());
    root.put("architecture", file.revision().architecture().name());
    root.put("pageSizeBytes", file.revision().pageSizeBytes());
    root.put("fileBytes", fileBytes);
    ArrayNode headers = root.putArray("headers");
    for (VariableHeader h : file.headers()) {
      ObjectNode node = headers.addObject();
      node.put("type", HeaderType.name(h.type()));
      node.put("typeCode", h.type() & 0xFFFFFFFFL);
      node.put("group", h.group().name().toLowerCase(Locale.ROOT));
      for (RecordComponent c : h.getClass().getRecordComponents()) {
        Object value = value(h, c);
        switch (value) {
          case Blob b -> node.set(c.getName(), blobJson(b));
          case Integer i when c.getName().equals("compatibilityMask") ->
              node.put(c.getName(), i & 0xFFFFFFFFL);
          case Integer i -> node.put(c.getName(), i);
          case Long l -> node.put(c.getName(), l);
          case Boolean b -> node.put(c.getName(), b);
          default -> node.put(c.getName(), String.valueOf(value));
        }
      }
      if (h instanceof DirectiveHeader.VpContext v && isVbs(file, v)) {
        ArrayNode registers = node.putArray("registers");
        for (VbsRegister r : VbsRegister.decode(v.data())) {
          registers
              .addObject()
              .put("vtl", r.vtl())
              .put("name", r.name())
              .put("value", hex(r.value()));
        }
      }
    }
    return root;
  }

  private static boolean isVbs(IgvmFile file, DirectiveHeader.VpContext v) {
    return file.supportedPlatforms().stream()
        .anyMatch(
            p ->
                p.compatibilityMask() == v.compatibilityMask()
                    && p.platformType() == io.parasol.igvm.format.PlatformType.VSM_ISOLATION);
  }

  private static Object value(VariableHeader h, RecordComponent c) {
    try {
      return c.getAccessor().invoke(h);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String textValue(String name, Object value) {
    return switch (value) {
      case Blob b when b.isEmpty() -> "none";
      case Blob b when b.length() <= 64 -> hex(b);
      case Blob b -> b.length() + "B:sha256:" + sha256(b).substring(0, 16) + "…";
      case Long l -> "0x" + Long.toHexString(l);
      case Integer i when name.equals("compatibilityMask") || name.equals("flags") ->
          "0x" + Integer.toHexString(i);
      default -> String.valueOf(value);
    };
  }

  private static JsonNode blobJson(Blob b) {
    if (b.length() <= HEX_LIMIT) {
      return JSON.getNodeFactory().textNode(hex(b));
    }
    ObjectNode n = JSON.createObjectNode();
    n.put("bytes", b.length());
    n.put("sha256", sha256(b));
    return n;
  }

  private static String hex(Blob b) {
    return HexFormat.of().formatHex(b.toByteArray());
  }

  private static String sha256(Blob b) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      b.update(d);
      return HexFormat.of().formatHex(d.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
