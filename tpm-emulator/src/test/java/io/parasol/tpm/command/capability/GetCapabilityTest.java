package io.parasol.tpm.command.capability;

import static io.parasol.tpm.TpmCommandBuilder.command;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parasol.tpm.TpmAlgId;
import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmHandle;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.TpmResponse;
import io.parasol.tpm.TpmTestSupport;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmsCapabilityData;
import io.parasol.tpm.marshal.TpmsCapabilityData.TaggedProperty;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Part 3 §30.2 TPM2_GetCapability, for each capability tpm2_getcap asks for. */
class GetCapabilityTest extends TpmTestSupport {

  record Answer(boolean more, TpmsCapabilityData data) {}

  @BeforeEach
  void start() {
    startup();
  }

  private Answer get(int cap, int property, int count) throws TpmException {
    TpmResponse r =
        expect(
            TpmRc.SUCCESS,
            command(TpmCc.GET_CAPABILITY)
                .params(w -> w.writeU32(cap).writeU32(property).writeU32(count)));
    TpmReader in = r.body();
    boolean more = in.readYesNo();
    TpmsCapabilityData data = TpmsCapabilityData.read(in);
    assertTrue(in.atEnd());
    return new Answer(more, data);
  }

  private int property(int tag) throws TpmException {
    var list = ((TpmsCapabilityData.TaggedProperties) get(6, tag, 1).data().data()).list();
    assertEquals(tag, list.getFirst().property());
    return list.getFirst().value();
  }

  @Test
  void algorithmsPageWithMoreData() throws TpmException {
    Answer first = get(TpmsCapabilityData.CAP_ALGS, 0, 3);
    assertTrue(first.more());
    var algs = ((TpmsCapabilityData.AlgProperties) first.data().data()).list();
    assertEquals(
        List.of(TpmAlgId.RSA, TpmAlgId.SHA1, TpmAlgId.HMAC),
        algs.stream().map(a -> a.alg()).toList());
    Answer all = get(TpmsCapabilityData.CAP_ALGS, 0, 1000);
    assertFalse(all.more());
    assertEquals(ImplementedAlgorithms.ALGORITHMS.size(), all.data().data().count());
    Answer fromSha256 = get(TpmsCapabilityData.CAP_ALGS, TpmAlgId.SHA256, 1);
    assertEquals(
        TpmAlgId.SHA256,
        ((TpmsCapabilityData.AlgProperties) fromSha256.data().data()).list().getFirst().alg());
  }

  @Test
  void fixedProperties() throws TpmException {
    assertEquals(0x322E3000, property(TpmProperty.FAMILY_INDICATOR));
    assertEquals(0x5052534C, property(TpmProperty.MANUFACTURER));
    assertEquals(1024, property(TpmProperty.INPUT_BUFFER));
    // libtpms' values: 1024 octets per NV command, 2048 per index.
    assertEquals(1024, property(TpmProperty.NV_BUFFER_MAX));
    assertEquals(2048, property(TpmProperty.NV_INDEX_MAX));
    assertEquals(64, property(TpmProperty.MAX_DIGEST));
    assertEquals(4096, property(TpmProperty.MAX_COMMAND_SIZE));
    assertEquals(
        tpm.withLock(() -> io.parasol.tpm.command.CommandTable.standard().all().size()),
        property(TpmProperty.TOTAL_COMMANDS));
  }

  @Test
  void fixedPageStopsAtTheEndOfItsGroup() throws TpmException {
    Answer a = get(TpmsCapabilityData.CAP_TPM_PROPERTIES, TpmProperty.PT_FIXED, 127);
    List<TaggedProperty> list = ((TpmsCapabilityData.TaggedProperties) a.data().data()).list();
    assertFalse(a.more());
    assertTrue(list.stream().allMatch(p -> p.property() < TpmProperty.PT_VAR));
    assertEquals(TpmProperty.MAX_CAP_BUFFER, list.getLast().property());
  }

  @Test
  void variablePropertiesFollowTheState() throws TpmException {
    assertEquals(0, property(TpmProperty.HR_LOADED));
    assertEquals(3, property(TpmProperty.MAX_AUTH_FAIL));
    int startupClear = property(TpmProperty.STARTUP_CLEAR);
    assertEquals(0xF, startupClear & 0xF);
    expect(
        TpmRc.SUCCESS,
        command(TpmCc.HIERARCHY_CHANGE_AUTH)
            .handle(TpmHandle.RH_OWNER)
            .password()
            .params(w -> w.write2B("x".getBytes())));
    assertEquals(1, property(TpmProperty.PERMANENT) & 1);
  }

  @Test
  void commandsListTheirAttributes() throws TpmException {
    Answer a = get(TpmsCapabilityData.CAP_COMMANDS, TpmCc.PCR_EXTEND, 1);
    int attrs = ((TpmsCapabilityData.CommandAttributes) a.data().data()).list().getFirst();
    assertEquals(TpmCc.PCR_EXTEND & 0xFFFF, attrs & 0xFFFF);
    assertEquals(1, (attrs >>> 25) & 7, "one handle");
    assertTrue(a.more());
    Answer start = get(TpmsCapabilityData.CAP_COMMANDS, TpmCc.START_AUTH_SESSION, 1);
    int startAttrs = ((TpmsCapabilityData.CommandAttributes) start.data().data()).list().getFirst();
    assertEquals(2, (startAttrs >>> 25) & 7);
    assertEquals(1, (startAttrs >>> 28) & 1, "rHandle");
  }

  @Test
  void handlesOfEachKind() throws TpmException {
    var pcrs = ((TpmsCapabilityData.Handles) get(1, 0, 100).data().data()).list();
    assertEquals(24, pcrs.size());
    var permanent =
        ((TpmsCapabilityData.Handles) get(1, TpmHandle.RH_OWNER - 1, 100).data().data()).list();
    assertTrue(permanent.contains(TpmHandle.RH_LOCKOUT));
    assertTrue(permanent.contains(TpmHandle.RS_PW));
    for (int type : new int[] {0x01, 0x02, 0x03, 0x80, 0x81}) {
      Answer a = get(1, type << 24, 100);
      assertEquals(0, a.data().data().count());
      assertFalse(a.more());
    }
    expect(
        TpmRc.parameter(TpmRc.HANDLE, 2),
        command(TpmCc.GET_CAPABILITY).params(w -> w.writeU32(1).writeU32(0x7000_0000).writeU32(1)));
  }

  @Test
  void pcrsPcrPropertiesCurvesAuditAndPolicies() throws TpmException {
    assertEquals(3, get(TpmsCapabilityData.CAP_PCRS, 0, 1).data().data().count());
    var pcrProps =
        ((TpmsCapabilityData.TaggedPcrProperties)
                get(TpmsCapabilityData.CAP_PCR_PROPERTIES, 0, 100).data().data())
            .list();
    var resetL0 =
        pcrProps.stream()
            .filter(p -> p.tag() == TpmProperty.PCR_RESET_L0)
            .findFirst()
            .orElseThrow();
    // PCR 16 and PCR 23 are resettable at locality 0.
    assertEquals(0x01, resetL0.pcrSelect()[2] & 0x01);
    assertEquals((byte) 0x81, resetL0.pcrSelect()[2]);
    var curves = ((TpmsCapabilityData.EccCurves) get(8, 0, 10).data().data()).list();
    assertEquals(List.of(TpmAlgId.ECC_NIST_P256, TpmAlgId.ECC_NIST_P384), curves);
    var audit = ((TpmsCapabilityData.CommandCodes) get(4, 0, 10).data().data()).list();
    assertEquals(List.of(TpmCc.SET_COMMAND_CODE_AUDIT_STATUS), audit);
    assertEquals(0, get(3, 0, 10).data().data().count());
    assertEquals(4, get(9, TpmHandle.RH_OWNER, 10).data().data().count());
  }

  @Test
  void unknownCapabilityIsValue() {
    expect(
        TpmRc.parameter(TpmRc.VALUE, 1),
        command(TpmCc.GET_CAPABILITY).params(w -> w.writeU32(0x55).writeU32(0).writeU32(1)));
  }
}
