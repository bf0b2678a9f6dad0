package io.parasol.tpm.command.object;

import io.parasol.tpm.EntityCodec;
import io.parasol.tpm.TpmHandle;
import io.parasol.tpm.command.Command;
import io.parasol.tpm.command.CommandChapter;
import io.parasol.tpm.object.PersistentObjectCodec;
import java.util.List;
import java.util.Map;

/** Part 3 §12 "Object Commands"; also the codec of persistent objects. */
public final class ObjectCommands implements CommandChapter {
  @Override
  public List<Command<?>> commands() {
    return List.of(
        new Create(), // §12.1
        new Load(), // §12.2
        new LoadExternal(), // §12.3
        new ReadPublic(), // §12.4
        new ActivateCredential(), // §12.5
        new MakeCredential(), // §12.6
        new ObjectChangeAuth(), // §12.7
        new Unseal(), // §12.8
        new CreateLoaded()); // §12.9
  }

  @Override
  public Map<Integer, EntityCodec> entityCodecs() {
    return Map.of(TpmHandle.HT_PERSISTENT, new PersistentObjectCodec());
  }
}
