/**
 * Optuna's artifacts example on a file system: artifacts in `./artifacts`, named by their ids
 * as Python's `FileSystemArtifactStore` names them.
 *
 * Run it with `deno run -R -W examples/artifacts_filesystem.ts`.
 *
 * @module
 */
import { FileSystemArtifactStore } from "../mod.ts";
import { runReferenceExample } from "./_reference.ts";

const basePath = "./artifacts";
await Deno.mkdir(basePath, { recursive: true });
await runReferenceExample(new FileSystemArtifactStore(basePath));
