// Parses one journal line. Python's json.dumps writes NaN, Infinity and -Infinity as bare
// tokens, which JSON.parse refuses; they are read here, but only outside strings.

/** Parses a JSON line that may contain Python's bare `NaN`, `Infinity`, `-Infinity`. */
export function parseJournalLine(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch (error) {
    if (!/NaN|Infinity/.test(line)) throw error;
  }
  // A marker no real string can equal: NUL plus a fresh UUID.
  const nanMarker = `\u0000NaN-${crypto.randomUUID()}`;
  let out = "";
  let copied = 0;
  let inString = false;
  let sawNaN = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i];
    if (inString) {
      if (char === "\\") i++;
      else if (char === '"') inString = false;
    } else if (char === '"') {
      inString = true;
    } else if (char === "N" && line.startsWith("NaN", i)) {
      out += line.slice(copied, i) + JSON.stringify(nanMarker);
      copied = i += 3;
      i--;
      sawNaN = true;
    } else if (char === "I" && line.startsWith("Infinity", i)) {
      // 1e999 parses as Infinity, and "-1e999" as -Infinity: no reviver needed.
      out += line.slice(copied, i) + "1e999";
      copied = i += 8;
      i--;
    }
  }
  out += line.slice(copied);
  return sawNaN
    ? JSON.parse(out, (_key, value) => value === nanMarker ? NaN : value)
    : JSON.parse(out);
}
