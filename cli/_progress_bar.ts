// A one-line progress bar for the command line: bytes, rate and ETA, redrawn at most ten
// times a second, and only once a transfer has taken longer than a moment.
import type { TransferProgress } from "../helpers/types.ts";

const SHOW_AFTER_MS = 500;
const REDRAW_MS = 100;
const WIDTH = 24;

/** Formats a byte count as B, KiB, MiB or GiB. */
export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/** Draws a progress bar on a writer (a terminal); `done()` clears the line. */
export class ProgressBar {
  #label: string;
  #format: (amount: number) => string;
  #out: { writeSync(bytes: Uint8Array): number };
  #start = performance.now();
  #lastDraw = 0;
  #drawn = false;
  #encoder = new TextEncoder();

  constructor(
    label: string,
    out: { writeSync(bytes: Uint8Array): number },
    format: (amount: number) => string = formatBytes,
  ) {
    this.#label = label;
    this.#out = out;
    this.#format = format;
  }

  /** Records progress; draws when due. */
  update(progress: TransferProgress): void {
    const now = performance.now();
    if (now - this.#start < SHOW_AFTER_MS || now - this.#lastDraw < REDRAW_MS) return;
    this.#lastDraw = now;
    this.#drawn = true;
    this.#write(`\r${this.render(progress, (now - this.#start) / 1000)}\x1b[K`);
  }

  /** The bar's text for a progress after `seconds`. */
  render({ loaded, total }: TransferProgress, seconds: number): string {
    const rate = seconds > 0 ? loaded / seconds : 0;
    const parts = [this.#label];
    if (total !== undefined && total > 0) {
      const share = Math.min(1, loaded / total);
      const filled = Math.round(share * WIDTH);
      parts.push(`[${"#".repeat(filled)}${"-".repeat(WIDTH - filled)}]`);
      parts.push(`${(share * 100).toFixed(0).padStart(3)}%`);
      parts.push(`${this.#format(loaded)}/${this.#format(total)}`);
    } else {
      parts.push(this.#format(loaded));
    }
    parts.push(`${this.#format(rate)}/s`);
    if (total !== undefined && rate > 0 && loaded < total) {
      parts.push(`ETA ${Math.ceil((total - loaded) / rate)}s`);
    }
    return parts.join("  ");
  }

  /** Clears the bar if it was drawn. */
  done(): void {
    if (this.#drawn) this.#write("\r\x1b[K");
  }

  #write(text: string) {
    this.#out.writeSync(this.#encoder.encode(text));
  }
}
