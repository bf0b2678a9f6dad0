package io.parasol.igvm.reference;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parasol.igvm.format.DirectiveHeader;
import io.parasol.igvm.format.DirectiveHeader.SnpIdBlock;
import io.parasol.igvm.format.DirectiveHeader.VbsMeasurement;
import io.parasol.igvm.format.IgvmFile;
import io.parasol.igvm.format.PlatformType;
import io.parasol.igvm.measure.LaunchMeasurement;
import io.parasol.igvm.measure.LaunchMeasurements;
import io.parasol.igvm.measure.MeasurementException;
import io.parasol.igvm.sign.IdBlockVerifier;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What a verifier should expect from a launch of each platform of a file: the launch digest, the
 * policy, the SVN and, for SEV-SNP, the signed ID block. Rendered as JSON and as a CoRIM (CBOR,
 * draft-ietf-rats-corim: an unsigned CoRIM with one CoMID of reference-value triples).
 */
public record ReferenceValues(String name, List<Platform> platforms) {
  /** CoRIM tags (draft-ietf-rats-corim). */
  static final long TAG_UNSIGNED_CORIM = 501;

  static final long TAG_COMID = 506;
  static final long TAG_BYTES = 560;

  /** IANA Named Information hash algorithm identifiers. */
  static final long SHA_256 = 1;

  static final long SHA_384 = 7;

  /**
   * The reference values of one platform.
   *
   * @param policy the GUEST_POLICY (SNP guest policy, TDX attributes) or the VBS policy flags
   * @param svn the guest SVN of the SNP ID block, or the VBS security version
   * @param idBlock the SNP_ID_BLOCK, if the platform is signed
   * @param idBlockVerdict its verification
   */
  public record Platform(
      LaunchMeasurement measurement,
      OptionalLong policy,
      OptionalLong svn,
      Optional<SnpIdBlock> idBlock,
      Optional<IdBlockVerifier.Verdict> idBlockVerdict) {
    public Platform {
      java.util.Objects.requireNonNull(measurement, "measurement");
    }
  }

  public ReferenceValues {
    platforms = List.copyOf(platforms);
  }

  /** The reference values of every measurable platform of {@code file}. */
  public static ReferenceValues of(String name, IgvmFile file) throws MeasurementException {
    List<IdBlockVerifier.Verdict> verdicts = IdBlockVerifier.verify(file);
    List<Platform> list = new ArrayList<>();
    for (LaunchMeasurement m : LaunchMeasurements.of(file)) {
      int bit = m.compatibilityMask();
      OptionalLong policy =
          file.guestPolicy(bit).map(p -> OptionalLong.of(p.policy())).orElse(OptionalLong.empty());
      OptionalLong svn = OptionalLong.empty();
      Optional<SnpIdBlock> idBlock = Optional.empty();
      Optional<IdBlockVerifier.Verdict> verdict = Optional.empty();
      int idBlocks = 0;
      for (DirectiveHeader d : file.directives()) {
        if (d instanceof SnpIdBlock b) {
          if ((b.compatibilityMask() & bit) != 0 && m.platform() == PlatformType.SEV_SNP) {
            idBlock = Optional.of(b);
            svn = OptionalLong.of(b.guestSvn() & 0xFFFFFFFFL);
            verdict = Optional.of(verdicts.get(idBlocks));
          }
          idBlocks++;
        }
        if (d instanceof VbsMeasurement v && (v.compatibilityMask() & bit) != 0) {
          svn = OptionalLong.of(v.securityVersion() & 0xFFFFFFFFL);
          policy = OptionalLong.of(v.policyFlags() & 0xFFFFFFFFL);
        }
      }
      list.add(new Platform(m, policy, svn, idBlock, verdict));
    }
    return new ReferenceValues(name, list);
  }

  /** The JSON document. */
  public ObjectNode toJson() {
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode root = mapper.createObjectNode();
    root.put("name", name);
    ArrayNode array = root.putArray("platforms");
    for (Platform p : platforms) {
      LaunchMeasurement m = p.measurement();
      ObjectNode node = array.addObject();
      node.put("platform", m.platform().name());
      node.put("compatibilityMask", m.compatibilityMask());
      node.put("measurement", m.kind().name());
      node.put("algorithm", m.kind().algorithm());
      node.put("digest", m.hex());
      if (p.policy().isPresent()) {
        node.put("policy", String.format("0x%x", p.policy().getAsLong()));
      } else {
        node.putNull("policy");
      }
      if (p.svn().isPresent()) {
        node.put("svn", p.svn().getAsLong());
      } else {
        node.putNull("svn");
      }
      if (p.idBlock().isPresent()) {
        SnpIdBlock b = p.idBlock().get();
        ObjectNode id = node.putObject("idBlock");
        id.put("ld", hex(b.ld()));
        id.put("familyId", hex(b.familyId()));
        id.put("imageId", hex(b.imageId()));
        id.put("version", b.version());
        id.put("guestSvn", b.guestSvn() & 0xFFFFFFFFL);
        id.put("idKeyAlgorithm", b.idKeyAlgorithm());
        id.put("idKeySignature", hex(b.idKeySignature()));
        id.put("idPublicKey", hex(b.idPublicKey()));
        id.put("authorKeyEnabled", b.authorKeyEnabled());
        if (b.authorKeyEnabled()) {
          id.put("authorKeyAlgorithm", b.authorKeyAlgorithm());
          id.put("authorKeySignature", hex(b.authorKeySignature()));
          id.put("authorPublicKey", hex(b.authorPublicKey()));
        }
        IdBlockVerifier.Verdict v = p.idBlockVerdict().orElseThrow();
        id.put("idKeyDigest", v.idKeyDigest());
        v.authorKeyDigest().ifPresent(d -> id.put("authorKeyDigest", d));
        id.put("verified", v.valid());
      } else if (m.platform() == PlatformType.SEV_SNP) {
        node.putNull("idBlock");
      }
    }
    return root;
  }

  /**
   * The CoRIM: {@code #6.501({0: name, 1: [#6.506(bstr .cbor comid)]})}, the CoMID holding one
   * reference-value triple per platform: environment {class: {vendor, model}}, measurements
   * "launch-digest" (digests [[alg, bytes]], svn) and "policy" (raw value, 8 bytes little-endian).
   */
  public byte[] toCorim() {
    List<Object> triples = new ArrayList<>();
    for (Platform p : platforms) {
      LaunchMeasurement m = p.measurement();
      Map<Object, Object> classMap = new LinkedHashMap<>();
      classMap.put(1L, vendor(m.platform()));
      classMap.put(2L, model(m.platform()));
      Map<Object, Object> environment = new LinkedHashMap<>();
      environment.put(0L, classMap);
      Map<Object, Object> values = new LinkedHashMap<>();
      if (p.svn().isPresent()) {
        values.put(1L, p.svn().getAsLong());
      }
      values.put(
          2L,
          List.of(List.of(m.kind().algorithm().equals("SHA-256") ? SHA_256 : SHA_384, m.digest())));
      List<Object> measurements = new ArrayList<>();
      measurements.add(measurement("launch-digest", values));
      if (p.policy().isPresent()) {
        byte[] policy = new byte[8];
        for (int i = 0; i < 8; i++) {
          policy[i] = (byte) (p.policy().getAsLong() >>> (8 * i));
        }
        Map<Object, Object> raw = new LinkedHashMap<>();
        raw.put(4L, new Cbor.Tagged(TAG_BYTES, policy));
        measurements.add(measurement("policy", raw));
      }
      triples.add(List.of(environment, measurements));
    }
    Map<Object, Object> tagIdentity = new LinkedHashMap<>();
    tagIdentity.put(0L, name + "/comid");
    Map<Object, Object> triplesMap = new LinkedHashMap<>();
    triplesMap.put(0L, triples);
    Map<Object, Object> comid = new LinkedHashMap<>();
    comid.put(1L, tagIdentity);
    comid.put(4L, triplesMap);
    Map<Object, Object> corim = new LinkedHashMap<>();
    corim.put(0L, name);
    corim.put(1L, List.of(new Cbor.Tagged(TAG_COMID, Cbor.encode(comid))));
    return Cbor.encode(new Cbor.Tagged(TAG_UNSIGNED_CORIM, corim));
  }

  private static Map<Object, Object> measurement(String key, Map<Object, Object> values) {
    Map<Object, Object> map = new LinkedHashMap<>();
    map.put(0L, key);
    map.put(1L, values);
    return map;
  }

  private static String vendor(PlatformType type) {
    return switch (type) {
      case SEV_SNP, SEV, SEV_ES -> "AMD";
      case TDX -> "Intel";
      case VSM_ISOLATION -> "Microsoft";
      case CCA -> "Arm";
      case NATIVE -> "none";
    };
  }

  private static String model(PlatformType type) {
    return switch (type) {
      case SEV_SNP -> "SEV-SNP";
      case TDX -> "TDX";
      case VSM_ISOLATION -> "VBS";
      default -> type.name();
    };
  }

  private static String hex(io.parasol.igvm.format.Blob b) {
    return HexFormat.of().formatHex(b.toByteArray());
  }
}
