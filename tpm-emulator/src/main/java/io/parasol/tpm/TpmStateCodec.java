package io.parasol.tpm;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.parasol.tpm.command.CommandTable;
import io.parasol.tpm.crypto.HashAlgorithm;
import io.parasol.tpm.marshal.TpmReader;
import io.parasol.tpm.marshal.TpmWriter;
import io.parasol.tpm.marshal.TpmlPcrSelection;
import io.parasol.tpm.state.engine.ClockState;
import io.parasol.tpm.state.engine.DictionaryAttackState;
import io.parasol.tpm.state.engine.EngineState;
import io.parasol.tpm.state.engine.HierarchySecrets;
import io.parasol.tpm.state.engine.OrderlyState;
import io.parasol.tpm.state.engine.PcrBankValues;
import io.parasol.tpm.state.engine.SavedState;
import io.parasol.tpm.state.engine.StoredEntity;
import java.util.EnumMap;
import java.util.Map;

/**
 * Converts the persistent part of a {@link TpmState} to and from the {@code EngineState} Protobuf
 * message ({@code src/main/proto/tpm_engine_state.proto}).
 */
final class TpmStateCodec {
  /** The {@code format_version} written; readers refuse higher versions. */
  static final int FORMAT_VERSION = 1;

  private static final int[] SAVED_AUTHS = {
    TpmHandle.RH_OWNER, TpmHandle.RH_ENDORSEMENT, TpmHandle.RH_LOCKOUT
  };

  private TpmStateCodec() {}

  static byte[] save(TpmState s, CommandTable table) {
    EngineState.Builder b = EngineState.newBuilder().setFormatVersion(FORMAT_VERSION);
    for (Hierarchy h :
        new Hierarchy[] {Hierarchy.PLATFORM, Hierarchy.OWNER, Hierarchy.ENDORSEMENT}) {
      b.addHierarchies(
          HierarchySecrets.newBuilder()
              .setHierarchy(h.handle())
              .setSeed(ByteString.copyFrom(s.seed(h)))
              .setProof(ByteString.copyFrom(s.proof(h))));
    }
    for (int handle : SAVED_AUTHS) {
      b.addPermanentAuths(auth(handle, s.permanentAuth(handle)));
    }
    DictionaryAttack da = s.dictionaryAttackRaw();
    b.setDisableClear(s.isClearDisabled())
        .setDictionaryAttack(
            DictionaryAttackState.newBuilder()
                .setMaxTries(da.maxTries())
                .setRecoveryTimeSeconds(da.recoveryTimeSeconds())
                .setLockoutRecoverySeconds(da.lockoutRecoverySeconds())
                .setFailedTries(da.failedTries())
                .setLockoutAuthEnabled(da.isLockoutAuthEnabled()))
        .setClock(
            ClockState.newBuilder().setClockMillis(s.clock().clock()).setSafe(s.clock().safe()))
        .setResetCount(s.resetCount())
        .setRestartCount(s.restartCount());
    TpmWriter alloc = new TpmWriter();
    s.pcrs().pendingAllocation().write(alloc);
    b.setPcrAllocation(ByteString.copyFrom(alloc.toByteArray()));
    b.setOrderlyState(
        switch (s.orderlyState()) {
          case NONE -> OrderlyState.ORDERLY_NONE;
          case CLEAR -> OrderlyState.ORDERLY_CLEAR;
          case STATE -> OrderlyState.ORDERLY_STATE;
        });
    s.savedState().ifPresent(saved -> b.setSavedState(savedState(saved)));
    s.auditCommands().stream().sorted(Integer::compareUnsigned).forEach(b::addAuditCommands);
    b.setAuditHashAlg(s.auditHashAlg()).setAuditCounter(s.auditCounter());
    b.setMaxNvCounter(s.maxNvCounter());
    s.nvIndices().forEach((h, e) -> b.addNvIndices(stored(table, TpmHandle.HT_NV_INDEX, h, e)));
    s.persistentObjects()
        .forEach((h, e) -> b.addPersistentObjects(stored(table, TpmHandle.HT_PERSISTENT, h, e)));
    return b.build().toByteArray();
  }

  private static io.parasol.tpm.state.engine.PermanentAuth auth(int handle, PermanentAuth a) {
    return io.parasol.tpm.state.engine.PermanentAuth.newBuilder()
        .setHandle(handle)
        .setAuthValue(ByteString.copyFrom(a.authValue()))
        .setPolicyAlg(a.policyAlg())
        .setPolicy(ByteString.copyFrom(a.policy()))
        .build();
  }

  private static SavedState savedState(TpmState.SavedState saved) {
    SavedState.Builder b =
        SavedState.newBuilder()
            .setShEnable(saved.shEnable())
            .setEhEnable(saved.ehEnable())
            .setPhEnableNv(saved.phEnableNV())
            .setCommandAuditDigest(ByteString.copyFrom(saved.commandAuditDigest()));
    PermanentAuth platform = new PermanentAuth();
    platform.setAuthValue(saved.platformAuth());
    platform.setPolicy(saved.platformPolicyAlg(), saved.platformPolicy());
    b.setPlatformAuth(auth(TpmHandle.RH_PLATFORM, platform));
    saved
        .pcrs()
        .forEach(
            (h, values) -> {
              PcrBankValues.Builder bank = PcrBankValues.newBuilder().setHashAlg(h.algId());
              for (byte[] v : values) {
                bank.addValues(v == null ? ByteString.EMPTY : ByteString.copyFrom(v));
              }
              b.addPcrBanks(bank);
            });
    return b.build();
  }

  private static StoredEntity stored(CommandTable table, int type, int handle, Entity e) {
    EntityCodec codec =
        table
            .codec(type)
            .orElseThrow(
                () -> new IllegalStateException("no codec for " + TpmHandle.toString(handle)));
    return StoredEntity.newBuilder()
        .setHandle(handle)
        .setEncoding(ByteString.copyFrom(codec.encode(e)))
        .build();
  }

  static void restore(TpmState s, byte[] bytes, CommandTable table) {
    EngineState p;
    try {
      p = EngineState.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("TPM state is not an EngineState message", e);
    }
    if (p.getFormatVersion() < 1 || p.getFormatVersion() > FORMAT_VERSION) {
      throw new IllegalArgumentException(
          "TPM state format " + p.getFormatVersion() + " is not supported");
    }
    for (HierarchySecrets h : p.getHierarchiesList()) {
      Hierarchy hierarchy =
          Hierarchy.of(h.getHierarchy())
              .filter(x -> x != Hierarchy.NULL)
              .orElseThrow(() -> new IllegalArgumentException("bad hierarchy in TPM state"));
      s.restoreSecrets(hierarchy, h.getSeed().toByteArray(), h.getProof().toByteArray());
    }
    for (io.parasol.tpm.state.engine.PermanentAuth a : p.getPermanentAuthsList()) {
      if (a.getHandle() == TpmHandle.RH_PLATFORM) {
        throw new IllegalArgumentException("platform authorisation is not persistent");
      }
      restoreAuth(s.permanentAuth(a.getHandle()), a);
    }
    DictionaryAttackState da = p.getDictionaryAttack();
    if (p.hasDictionaryAttack()) {
      s.dictionaryAttackRaw()
          .restore(
              da.getMaxTries(),
              da.getRecoveryTimeSeconds(),
              da.getLockoutRecoverySeconds(),
              da.getFailedTries(),
              da.getLockoutAuthEnabled());
    }
    s.clock().restore(p.getClock().getClockMillis(), p.getClock().getSafe());
    if (!p.getPcrAllocation().isEmpty()) {
      try {
        TpmReader r = new TpmReader(p.getPcrAllocation().toByteArray());
        TpmlPcrSelection alloc = TpmlPcrSelection.read(r);
        s.pcrs().restoreAllocation(alloc);
      } catch (TpmException e) {
        throw new IllegalArgumentException("bad PCR allocation in TPM state", e);
      }
    }
    TpmState.SavedState saved = p.hasSavedState() ? savedState(p.getSavedState()) : null;
    TpmState.OrderlyState orderly =
        switch (p.getOrderlyState()) {
          case ORDERLY_CLEAR -> TpmState.OrderlyState.CLEAR;
          case ORDERLY_STATE ->
              saved != null ? TpmState.OrderlyState.STATE : TpmState.OrderlyState.NONE;
          default -> TpmState.OrderlyState.NONE;
        };
    s.restorePersistent(
        p.getDisableClear(), p.getResetCount(), p.getRestartCount(), orderly, saved);
    s.auditCommands().clear();
    s.auditCommands().addAll(p.getAuditCommandsList());
    s.setAuditHashAlg(p.getAuditHashAlg());
    s.setAuditCounter(p.getAuditCounter());
    s.noteNvCounter(p.getMaxNvCounter());
    for (StoredEntity e : p.getNvIndicesList()) {
      s.nvIndices().put(e.getHandle(), decode(table, TpmHandle.HT_NV_INDEX, e));
    }
    for (StoredEntity e : p.getPersistentObjectsList()) {
      s.persistentObjects().put(e.getHandle(), decode(table, TpmHandle.HT_PERSISTENT, e));
    }
  }

  private static void restoreAuth(
      PermanentAuth target, io.parasol.tpm.state.engine.PermanentAuth a) {
    target.setAuthValue(a.getAuthValue().toByteArray());
    target.setPolicy(a.getPolicyAlg(), a.getPolicy().toByteArray());
  }

  private static TpmState.SavedState savedState(SavedState p) {
    Map<HashAlgorithm, byte[][]> pcrs = new EnumMap<>(HashAlgorithm.class);
    for (PcrBankValues bank : p.getPcrBanksList()) {
      HashAlgorithm h =
          HashAlgorithm.fromAlgId(bank.getHashAlg())
              .orElseThrow(() -> new IllegalArgumentException("bad PCR bank in TPM state"));
      byte[][] values = new byte[TpmLimits.IMPLEMENTATION_PCR][];
      for (int i = 0; i < values.length && i < bank.getValuesCount(); i++) {
        byte[] v = bank.getValues(i).toByteArray();
        if (v.length != 0 && v.length != h.digestSize()) {
          throw new IllegalArgumentException("bad PCR value in TPM state");
        }
        values[i] = v.length == 0 ? null : v;
      }
      pcrs.put(h, values);
    }
    PermanentAuth platform = new PermanentAuth();
    restoreAuth(platform, p.getPlatformAuth());
    return new TpmState.SavedState(
        pcrs,
        p.getShEnable(),
        p.getEhEnable(),
        p.getPhEnableNv(),
        platform.authValue(),
        platform.policyAlg(),
        platform.policy(),
        p.getCommandAuditDigest().toByteArray());
  }

  private static Entity decode(CommandTable table, int type, StoredEntity e) {
    EntityCodec codec =
        table
            .codec(type)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "no codec for " + TpmHandle.toString(e.getHandle()) + " in TPM state"));
    return codec.decode(e.getHandle(), e.getEncoding().toByteArray());
  }
}
