package io.parasol.tools.attest;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.parasol.isolation.attestation.MalformedEvidenceException;
import io.parasol.isolation.attestation.proto.Evidence;
import java.util.Base64;
import java.util.List;

/**
 * Evidence as JSON, following Protobuf's JSON mapping for the fields {@code evidence.proto} uses:
 * field names in lowerCamelCase, bytes as standard base64, integers as numbers, maps as objects
 * with string keys. Unknown fields are an error, so a misspelt field is not silently dropped.
 */
public final class EvidenceJson {
  private EvidenceJson() {}

  /** {@code evidence} as a JSON object. */
  public static JsonObject toJson(Evidence evidence) {
    return (JsonObject) write(evidence);
  }

  /** Reads evidence from a JSON object. */
  public static Evidence fromJson(JsonElement json) throws MalformedEvidenceException {
    Evidence.Builder b = Evidence.newBuilder();
    read(json, b, "evidence");
    return b.build();
  }

  private static JsonElement write(Message m) {
    JsonObject o = new JsonObject();
    for (var entry : m.getAllFields().entrySet()) {
      FieldDescriptor f = entry.getKey();
      if (f.isMapField()) {
        JsonObject map = new JsonObject();
        for (Object e : (List<?>) entry.getValue()) {
          Message kv = (Message) e;
          FieldDescriptor k = kv.getDescriptorForType().findFieldByName("key");
          FieldDescriptor v = kv.getDescriptorForType().findFieldByName("value");
          map.add(String.valueOf(kv.getField(k)), scalar(v, kv.getField(v)));
        }
        o.add(f.getJsonName(), map);
      } else if (f.isRepeated()) {
        JsonArray a = new JsonArray();
        for (Object e : (List<?>) entry.getValue()) {
          a.add(scalar(f, e));
        }
        o.add(f.getJsonName(), a);
      } else {
        o.add(f.getJsonName(), scalar(f, entry.getValue()));
      }
    }
    return o;
  }

  private static JsonElement scalar(FieldDescriptor f, Object v) {
    return switch (f.getJavaType()) {
      case MESSAGE -> write((Message) v);
      case BYTE_STRING ->
          new JsonPrimitive(Base64.getEncoder().encodeToString(((ByteString) v).toByteArray()));
      case INT, LONG -> new JsonPrimitive((Number) v);
      case STRING -> new JsonPrimitive((String) v);
      case BOOLEAN -> new JsonPrimitive((Boolean) v);
      default ->
          throw new IllegalStateException("evidence.proto has no " + f.getJavaType() + " fields");
    };
  }

  private static void read(JsonElement json, Message.Builder b, String where)
      throws MalformedEvidenceException {
    if (!json.isJsonObject()) {
      throw bad(where + " is not a JSON object");
    }
    var type = b.getDescriptorForType();
    for (var e : json.getAsJsonObject().entrySet()) {
      FieldDescriptor f = null;
      for (FieldDescriptor candidate : type.getFields()) {
        if (candidate.getJsonName().equals(e.getKey()) || candidate.getName().equals(e.getKey())) {
          f = candidate;
        }
      }
      if (f == null) {
        throw bad(where + " has an unknown field '" + e.getKey() + "'");
      }
      String at = where + "." + e.getKey();
      if (f.isMapField()) {
        if (!e.getValue().isJsonObject()) {
          throw bad(at + " is not a JSON object");
        }
        var entryType = f.getMessageType();
        FieldDescriptor k = entryType.findFieldByName("key");
        FieldDescriptor v = entryType.findFieldByName("value");
        for (var kv : e.getValue().getAsJsonObject().entrySet()) {
          Message.Builder entry = b.newBuilderForField(f);
          entry.setField(k, value(k, new JsonPrimitive(kv.getKey()), at, null));
          entry.setField(v, value(v, kv.getValue(), at + "." + kv.getKey(), entry));
          b.addRepeatedField(f, entry.build());
        }
      } else if (f.isRepeated()) {
        if (!e.getValue().isJsonArray()) {
          throw bad(at + " is not a list");
        }
        for (JsonElement item : e.getValue().getAsJsonArray()) {
          b.addRepeatedField(f, value(f, item, at, b));
        }
      } else {
        b.setField(f, value(f, e.getValue(), at, b));
      }
    }
  }

  private static Object value(FieldDescriptor f, JsonElement v, String at, Message.Builder parent)
      throws MalformedEvidenceException {
    try {
      return switch (f.getJavaType()) {
        case MESSAGE -> {
          Message.Builder child = parent.newBuilderForField(f);
          read(v, child, at);
          yield child.build();
        }
        case BYTE_STRING -> ByteString.copyFrom(Base64.getDecoder().decode(v.getAsString()));
        case INT -> {
          long n = Long.parseLong(v.getAsString());
          if (n < 0 || n > 0xFFFFFFFFL) {
            throw bad(at + " is out of range");
          }
          yield (int) n;
        }
        case LONG -> Long.parseLong(v.getAsString());
        case STRING -> v.getAsString();
        case BOOLEAN -> v.getAsBoolean();
        default -> throw bad(at + " has an unsupported type");
      };
    } catch (MalformedEvidenceException e) {
      throw e;
    } catch (RuntimeException e) {
      throw bad(
          at
              + " is not a valid "
              + f.getJavaType()
                  .name()
                  .toLowerCase(java.util.Locale.ROOT)
                  .replace("byte_string", "base64 string"));
    }
  }

  private static MalformedEvidenceException bad(String what) {
    return new MalformedEvidenceException("the JSON " + what);
  }
}
