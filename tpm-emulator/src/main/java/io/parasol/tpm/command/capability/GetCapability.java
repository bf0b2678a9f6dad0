package io.parasol.tpm.command.capability;

import static io.parasol.tpm.command.capability.TpmProperty.*;

import io.parasol.tpm.Hierarchy;
import io.parasol.tpm.Locality;
import io.parasol.tpm.TpmAlgId;
import io.parasol.tpm.TpmCc;
import io.parasol.tpm.TpmException;
import io.parasol.tpm.TpmHandle;
import io.parasol.tpm.TpmLimits;
import io.parasol.tpm.TpmRc;
import io.parasol.tpm.TpmState;
import io.parasol.tpm.command.Command;
import io.parasol.tpm.command.CommandContext;
import io.parasol.tpm.command.CommandSpec;
import io.parasol.tpm.command.CommandTable;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;
import io.parasol.tpm.marshal.TpmsCapabilityData;
import io.parasol.tpm.marshal.TpmsCapabilityData.AlgProperty;
import io.parasol.tpm.marshal.TpmsCapabilityData.TaggedPcrSelect;
import io.parasol.tpm.marshal.TpmsCapabilityData.TaggedPolicy;
import io.parasol.tpm.marshal.TpmsCapabilityData.TaggedProperty;
import io.parasol.tpm.marshal.TpmtHa;
import io.parasol.tpm.nv.NvIndex;
import io.parasol.tpm.nv.TpmaNv;
import io.parasol.tpm.pcr.PcrAttributes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * TPM2_GetCapability (Part 3 §30.2): one page of one capability, from {@code property} on, at most
 * {@code propertyCount} entries (and at most what fits {@code MAX_CAP_BUFFER}), with {@code
 * moreData} set if entries remain. Implements every {@code TPM_CAP} that tpm2-tools asks for:
 * algorithms, handles of each type, commands, physical-presence and audit commands, PCR banks, TPM
 * properties (fixed and variable), PCR properties, ECC curves, and hierarchy policies.
 */
public final class GetCapability implements Command<GetCapability.In> {
  /** {@code TPM_SPEC_VERSION}: revision 1.59. */
  static final int SPEC_REVISION = 159;

  /** The day of year and year of revision 1.59 (8 November 2019). */
  static final int SPEC_DAY_OF_YEAR = 312;

  static final int SPEC_YEAR = 2019;

  /** {@code TPM_PT_MANUFACTURER}: "PRSL", Parasol's vendor identifier. */
  static final int MANUFACTURER_ID = ascii("PRSL");

  /** This engine's firmware version, {@code FIRMWARE_VERSION_1/2}: 0.1. */
  static final int FIRMWARE_V1 = 0x0000_0001;

  static final int FIRMWARE_V2 = 0;

  private static final CommandSpec SPEC = CommandSpec.of(TpmCc.GET_CAPABILITY).build();

  /** {@code capability} (TPM_CAP), {@code property} and {@code propertyCount} (UINT32). */
  public record In(int capability, int property, int propertyCount) {}

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public In parse(TpmReader in) throws TpmException {
    return new In(
        in.parameter(1, TpmReader::readU32),
        in.parameter(2, TpmReader::readU32),
        in.parameter(3, TpmReader::readU32));
  }

  @Override
  public void execute(CommandContext ctx, In in, TpmWriter out) throws TpmException {
    TpmState state = ctx.state();
    int property = in.property();
    int count = in.propertyCount();
    Page<?> page =
        switch (in.capability()) {
          case TpmsCapabilityData.CAP_ALGS ->
              page(
                  ImplementedAlgorithms.ALGORITHMS,
                  a ->
                      Integer.compareUnsigned(a.alg(), property & 0xFFFF) >= 0
                          && property >>> 16 == 0,
                  count,
                  TpmLimits.MAX_CAP_ALGS);
          case TpmsCapabilityData.CAP_HANDLES ->
              page(handles(ctx, property), h -> true, count, TpmLimits.MAX_CAP_HANDLES);
          case TpmsCapabilityData.CAP_COMMANDS ->
              page(
                  ctx.commands().all().stream().map(c -> c.spec()).toList(),
                  c -> Integer.compareUnsigned(c.commandCode(), property) >= 0,
                  count,
                  TpmLimits.MAX_CAP_CC);
          case TpmsCapabilityData.CAP_PP_COMMANDS ->
              page(List.<Integer>of(), c -> true, count, TpmLimits.MAX_CAP_CC);
          case TpmsCapabilityData.CAP_AUDIT_COMMANDS ->
              page(
                  state.auditCommands().stream().sorted(Integer::compareUnsigned).toList(),
                  c -> Integer.compareUnsigned(c, property) >= 0,
                  count,
                  TpmLimits.MAX_CAP_CC);
          case TpmsCapabilityData.CAP_PCRS -> null;
          case TpmsCapabilityData.CAP_TPM_PROPERTIES -> tpmProperties(ctx, property, count);
          case TpmsCapabilityData.CAP_PCR_PROPERTIES ->
              page(
                  pcrProperties(),
                  p -> Integer.compareUnsigned(p.tag(), property) >= 0,
                  count,
                  TpmLimits.MAX_PCR_PROPERTIES);
          case TpmsCapabilityData.CAP_ECC_CURVES ->
              page(
                  ImplementedAlgorithms.ECC_CURVES,
                  c -> Integer.compareUnsigned(c, property) >= 0,
                  count,
                  TpmLimits.MAX_ECC_CURVES);
          case TpmsCapabilityData.CAP_AUTH_POLICIES -> {
            if (TpmHandle.type(property) != TpmHandle.HT_PERMANENT) {
              throw new TpmException(TpmRc.parameter(TpmRc.VALUE, 2));
            }
            yield page(
                authPolicies(state),
                p -> Integer.compareUnsigned(p.handle(), property) >= 0,
                count,
                TpmLimits.MAX_TAGGED_POLICIES);
          }
          case TpmsCapabilityData.CAP_ACT -> page(List.<Integer>of(), h -> true, count, 1);
          default -> throw new TpmException(TpmRc.parameter(TpmRc.VALUE, 1));
        };
    TpmsCapabilityData.Data data;
    boolean more = page != null && page.more();
    switch (in.capability()) {
      case TpmsCapabilityData.CAP_ALGS ->
          data = new TpmsCapabilityData.AlgProperties(cast(page, AlgProperty.class));
      case TpmsCapabilityData.CAP_HANDLES, TpmsCapabilityData.CAP_ACT ->
          data = new TpmsCapabilityData.Handles(cast(page, Integer.class));
      case TpmsCapabilityData.CAP_COMMANDS ->
          data =
              new TpmsCapabilityData.CommandAttributes(
                  cast(page, CommandSpec.class).stream().map(CommandSpec::attributes).toList());
      case TpmsCapabilityData.CAP_PP_COMMANDS, TpmsCapabilityData.CAP_AUDIT_COMMANDS ->
          data = new TpmsCapabilityData.CommandCodes(cast(page, Integer.class));
      case TpmsCapabilityData.CAP_PCRS ->
          data = new TpmsCapabilityData.PcrSelections(state.pcrs().allocation());
      case TpmsCapabilityData.CAP_TPM_PROPERTIES ->
          data = new TpmsCapabilityData.TaggedProperties(cast(page, TaggedProperty.class));
      case TpmsCapabilityData.CAP_PCR_PROPERTIES ->
          data = new TpmsCapabilityData.TaggedPcrProperties(cast(page, TaggedPcrSelect.class));
      case TpmsCapabilityData.CAP_ECC_CURVES ->
          data = new TpmsCapabilityData.EccCurves(cast(page, Integer.class));
      case TpmsCapabilityData.CAP_AUTH_POLICIES ->
          data = new TpmsCapabilityData.TaggedPolicies(cast(page, TaggedPolicy.class));
      default -> throw new IllegalStateException();
    }
    out.writeYesNo(more);
    new TpmsCapabilityData(in.capability(), data).write(out);
  }

  /** A page of entries and whether more follow. */
  private record Page<T>(List<T> entries, boolean more) {}

  private static <T> Page<T> page(List<T> all, Predicate<T> from, int requested, int max) {
    int limit = Integer.compareUnsigned(requested, max) > 0 ? max : requested;
    List<T> out = new ArrayList<>();
    boolean more = false;
    for (T t : all) {
      if (!from.test(t)) {
        continue;
      }
      if (out.size() < limit) {
        out.add(t);
      } else {
        more = true;
        break;
      }
    }
    return new Page<>(out, more);
  }

  @SuppressWarnings("unchecked")
  private static <T> List<T> cast(Page<?> page, Class<T> type) {
    return (List<T>) page.entries();
  }

  // ------------------------------------------------------------------ handles (Part 3 §30.2.1)

  private static List<Integer> handles(CommandContext ctx, int property) throws TpmException {
    TpmState state = ctx.state();
    List<Integer> all = new ArrayList<>();
    switch (TpmHandle.type(property)) {
      case TpmHandle.HT_PCR -> {
        for (int pcr = 0; pcr < TpmLimits.IMPLEMENTATION_PCR; pcr++) {
          all.add(pcr);
        }
      }
      case TpmHandle.HT_NV_INDEX -> all.addAll(state.nvIndices().keySet());
      case TpmHandle.HT_HMAC_SESSION -> all.addAll(state.sessions().loadedHandles());
      case TpmHandle.HT_POLICY_SESSION -> all.addAll(state.sessions().savedHandles());
      case TpmHandle.HT_PERMANENT ->
          all.addAll(
              List.of(
                  TpmHandle.RH_OWNER,
                  TpmHandle.RH_NULL,
                  TpmHandle.RS_PW,
                  TpmHandle.RH_LOCKOUT,
                  TpmHandle.RH_ENDORSEMENT,
                  TpmHandle.RH_PLATFORM,
                  TpmHandle.RH_PLATFORM_NV));
      case TpmHandle.HT_TRANSIENT -> all.addAll(state.transientObjects().keySet());
      case TpmHandle.HT_PERSISTENT -> all.addAll(state.persistentObjects().keySet());
      case TpmHandle.HT_AC -> {}
      default -> throw new TpmException(TpmRc.parameter(TpmRc.HANDLE, 2));
    }
    boolean sessions = TpmHandle.isSession(property);
    return all.stream()
        .filter(
            h ->
                sessions
                    ? (h & 0x00FF_FFFF) >= (property & 0x00FF_FFFF)
                    : Integer.compareUnsigned(h, property) >= 0)
        .sorted(Integer::compareUnsigned)
        .toList();
  }

  // ------------------------------------------------------------------ TPM properties

  private static Page<TaggedProperty> tpmProperties(CommandContext ctx, int property, int count) {
    Map<Integer, Integer> all = properties(ctx);
    int start = Integer.compareUnsigned(property, PT_FIXED) < 0 ? PT_FIXED : property;
    // Part 3 §30.2.1: a page never runs past the end of the group (fixed or variable) it starts
    // in.
    int groupEnd = (start / 0x100) * 0x100 + 0x100;
    List<TaggedProperty> group = new ArrayList<>();
    all.forEach(
        (tag, value) -> {
          if (Integer.compareUnsigned(tag, start) >= 0
              && Integer.compareUnsigned(tag, groupEnd) < 0) {
            group.add(new TaggedProperty(tag, value));
          }
        });
    return page(group, p -> true, count, TpmLimits.MAX_TPM_PROPERTIES);
  }

  /** Every {@code TPM_PT} with its current value. */
  static Map<Integer, Integer> properties(CommandContext ctx) {
    TpmState state = ctx.state();
    CommandTable commands = ctx.commands();
    Map<Integer, Integer> p = new TreeMap<>();
    p.put(FAMILY_INDICATOR, ascii("2.0\0"));
    p.put(LEVEL, 0);
    p.put(REVISION, SPEC_REVISION);
    p.put(DAY_OF_YEAR, SPEC_DAY_OF_YEAR);
    p.put(YEAR, SPEC_YEAR);
    p.put(MANUFACTURER, MANUFACTURER_ID);
    p.put(VENDOR_STRING_1, ascii("Para"));
    p.put(VENDOR_STRING_2, ascii("sol "));
    p.put(VENDOR_STRING_3, ascii("vTPM"));
    p.put(VENDOR_STRING_4, 0);
    p.put(VENDOR_TPM_TYPE, 1);
    p.put(FIRMWARE_VERSION_1, FIRMWARE_V1);
    p.put(FIRMWARE_VERSION_2, FIRMWARE_V2);
    p.put(INPUT_BUFFER, TpmLimits.MAX_DIGEST_BUFFER);
    p.put(HR_TRANSIENT_MIN, TpmLimits.MAX_LOADED_OBJECTS);
    p.put(HR_PERSISTENT_MIN, 7);
    p.put(HR_LOADED_MIN, TpmLimits.MAX_LOADED_SESSIONS);
    p.put(ACTIVE_SESSIONS_MAX, TpmLimits.MAX_ACTIVE_SESSIONS);
    p.put(PCR_COUNT, TpmLimits.IMPLEMENTATION_PCR);
    p.put(PCR_SELECT_MIN, TpmLimits.PCR_SELECT_SIZE);
    p.put(CONTEXT_GAP_MAX, 0xFFFF);
    p.put(NV_COUNTERS_MAX, 0);
    p.put(NV_INDEX_MAX, TpmLimits.MAX_NV_INDEX_SIZE);
    p.put(MEMORY, 0x6); // TPMA_MEMORY: sharedNV, objectCopiedToRam
    p.put(CLOCK_UPDATE, 1 << 22);
    p.put(CONTEXT_HASH, TpmAlgId.SHA256);
    p.put(CONTEXT_SYM, TpmAlgId.AES);
    p.put(CONTEXT_SYM_SIZE, 256);
    p.put(ORDERLY_COUNT, 255);
    p.put(MAX_COMMAND_SIZE, state.bufferSize());
    p.put(MAX_RESPONSE_SIZE, state.bufferSize());
    p.put(MAX_DIGEST, TpmLimits.MAX_DIGEST_SIZE);
    p.put(MAX_OBJECT_CONTEXT, TpmLimits.MAX_CONTEXT_SIZE);
    p.put(MAX_SESSION_CONTEXT, 0x148);
    p.put(PS_FAMILY_INDICATOR, 1); // PC Client
    p.put(PS_LEVEL, 0);
    p.put(PS_REVISION, 0x105);
    p.put(PS_DAY_OF_YEAR, 0);
    p.put(PS_YEAR, 0);
    p.put(SPLIT_MAX, 128);
    p.put(TOTAL_COMMANDS, commands.all().size());
    p.put(LIBRARY_COMMANDS, commands.all().size());
    p.put(VENDOR_COMMANDS, 0);
    p.put(NV_BUFFER_MAX, TpmLimits.MAX_NV_BUFFER_SIZE);
    p.put(MODES, 0);
    p.put(MAX_CAP_BUFFER, TpmLimits.MAX_CAP_BUFFER);

    int permanent =
        (state.permanentAuth(TpmHandle.RH_OWNER).authValue().length > 0 ? 1 : 0)
            | (state.permanentAuth(TpmHandle.RH_ENDORSEMENT).authValue().length > 0 ? 1 << 1 : 0)
            | (state.permanentAuth(TpmHandle.RH_LOCKOUT).authValue().length > 0 ? 1 << 2 : 0)
            | (state.isClearDisabled() ? 1 << 8 : 0)
            | (state.dictionaryAttack().isLockedOut() ? 1 << 9 : 0)
            | 1 << 10; // tpmGeneratedEPS
    p.put(PERMANENT, permanent);
    int startupClear =
        (state.isEnabled(Hierarchy.PLATFORM) ? 1 : 0)
            | (state.isEnabled(Hierarchy.OWNER) ? 1 << 1 : 0)
            | (state.isEnabled(Hierarchy.ENDORSEMENT) ? 1 << 2 : 0)
            | (state.isPlatformNvEnabled() ? 1 << 3 : 0)
            | (state.startedOrderly() ? 1 << 31 : 0);
    p.put(STARTUP_CLEAR, startupClear);
    p.put(HR_NV_INDEX, state.nvIndices().size());
    p.put(HR_LOADED, state.sessions().loadedCount());
    p.put(HR_LOADED_AVAIL, TpmLimits.MAX_LOADED_SESSIONS - state.sessions().loadedCount());
    p.put(HR_ACTIVE, state.sessions().activeCount());
    p.put(HR_ACTIVE_AVAIL, TpmLimits.MAX_ACTIVE_SESSIONS - state.sessions().activeCount());
    p.put(
        HR_TRANSIENT_AVAIL,
        Math.max(0, TpmLimits.MAX_LOADED_OBJECTS - state.transientObjects().size()));
    p.put(HR_PERSISTENT, state.persistentObjects().size());
    p.put(HR_PERSISTENT_AVAIL, Math.max(0, 64 - state.persistentObjects().size()));
    p.put(
        NV_COUNTERS,
        (int)
            state.nvIndices().values().stream()
                .filter(e -> e instanceof NvIndex nv && nv.type() == TpmaNv.NT_COUNTER)
                .count());
    p.put(NV_COUNTERS_AVAIL, 64);
    p.put(ALGORITHM_SET, 0);
    p.put(LOADED_CURVES, ImplementedAlgorithms.ECC_CURVES.size());
    p.put(LOCKOUT_COUNTER, state.dictionaryAttack().failedTries());
    p.put(MAX_AUTH_FAIL, state.dictionaryAttack().maxTries());
    p.put(LOCKOUT_INTERVAL, state.dictionaryAttack().recoveryTimeSeconds());
    p.put(LOCKOUT_RECOVERY, state.dictionaryAttack().lockoutRecoverySeconds());
    p.put(NV_WRITE_RECOVERY, 0);
    p.put(AUDIT_COUNTER_0, (int) (state.auditCounter() >>> 32));
    p.put(AUDIT_COUNTER_1, (int) state.auditCounter());
    return p;
  }

  private static int ascii(String four) {
    byte[] b = four.getBytes(StandardCharsets.US_ASCII);
    return ((b[0] & 0xFF) << 24) | ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
  }

  // ------------------------------------------------------------------ PCR properties

  private static List<TaggedPcrSelect> pcrProperties() {
    List<TaggedPcrSelect> out = new ArrayList<>();
    out.add(pcrGroup(PCR_SAVE, a -> a.stateSave()));
    for (Locality l : Locality.values()) {
      out.add(pcrGroup(PCR_EXTEND_L0 + 2 * l.number(), a -> a.extendableAt(l)));
      out.add(pcrGroup(PCR_RESET_L0 + 2 * l.number(), a -> a.resettableAt(l)));
    }
    out.add(pcrGroup(PCR_NO_INCREMENT, PcrAttributes::noIncrement));
    out.add(pcrGroup(PCR_DRTM_RESET, PcrAttributes::drtmReset));
    out.add(pcrGroup(PCR_POLICY, a -> false));
    out.add(pcrGroup(PCR_AUTH, a -> false));
    return out;
  }

  private static TaggedPcrSelect pcrGroup(int tag, Predicate<PcrAttributes> member) {
    byte[] select = new byte[TpmLimits.PCR_SELECT_SIZE];
    for (int pcr = 0; pcr < TpmLimits.IMPLEMENTATION_PCR; pcr++) {
      if (member.test(PcrAttributes.of(pcr))) {
        select[pcr / 8] |= (byte) (1 << (pcr % 8));
      }
    }
    return new TaggedPcrSelect(tag, select);
  }

  // ------------------------------------------------------------------ auth policies

  private static List<TaggedPolicy> authPolicies(TpmState state) {
    List<TaggedPolicy> out = new ArrayList<>();
    for (int h :
        new int[] {
          TpmHandle.RH_OWNER, TpmHandle.RH_LOCKOUT, TpmHandle.RH_ENDORSEMENT, TpmHandle.RH_PLATFORM
        }) {
      var auth = state.permanentAuth(h);
      out.add(new TaggedPolicy(h, new TpmtHa(auth.policyAlg(), auth.policy())));
    }
    return out;
  }
}
