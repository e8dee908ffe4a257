import { InMemoryArtifactStore } from "../../stores/memory.ts";
import { storeConformance } from "./_conformance.ts";

storeConformance({
  name: "InMemoryArtifactStore",
  setup: () =>
    Promise.resolve({ store: new InMemoryArtifactStore(), dispose: () => Promise.resolve() }),
});
