// What watches the bytes of an upload or a download on their way: progress reports and the
// digest, in one callback per chunk.
import type { Digester } from "./_digest.ts";
import type { TransferProgress } from "./types.ts";

export interface TransferObservers {
  /** The size, when known, for progress reports. */
  total?: number;
  onProgress?: (progress: TransferProgress) => void;
  digester?: Digester;
}

/**
 * A callback that counts and hashes each chunk, or `undefined` when nothing watches. Each call
 * starts a new attempt from byte 0 (a retried write reads its source again).
 */
export function chunkObserver(
  observers: TransferObservers,
): ((chunk: Uint8Array) => void) | undefined {
  const { total, onProgress, digester } = observers;
  if (!onProgress && !digester) return undefined;
  digester?.reset();
  let loaded = 0;
  return (chunk) => {
    digester?.update(chunk);
    loaded += chunk.length;
    onProgress?.({ loaded, total });
  };
}
