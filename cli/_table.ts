// Plain-text tables for the command line: columns aligned by display width (a CJK character
// or an emoji takes two cells), and recorded text shown with its control characters escaped,
// so a file name cannot move the cursor or change the terminal.
// deno-lint-ignore no-import-prefix -- pinned here, as every npm package of this module
import stringWidth from "npm:string-width@^9.0.0";

// C0 controls, DEL and C1 controls (ESC starts terminal sequences).
// deno-lint-ignore no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/** `text` with each control character written as `\uXXXX`. */
export function displayText(text: string): string {
  return text.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** The lines of a table whose cells are padded to the widest cell of their column. */
export function formatTable(rows: string[][]): string[] {
  const cells = rows.map((row) => row.map(displayText));
  const widths = cells[0].map((_, i) => Math.max(...cells.map((row) => stringWidth(row[i]))));
  return cells.map((row) =>
    row.map((cell, i) => cell + " ".repeat(widths[i] - stringWidth(cell))).join("  ").trimEnd()
  );
}
