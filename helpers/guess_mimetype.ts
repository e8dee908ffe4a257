/**
 * MIME type and encoding guesses from a file name, with the rules of Python's
 * `mimetypes.guess_type` (which Optuna uses) on top of a maintained MIME database.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { guessMimetype } from "@optuna-deno/artifacts";
 * assert.deepEqual(guessMimetype("log.txt.gz"), { mimetype: "text/plain", encoding: "gzip" });
 * ```
 *
 * @module
 */
// Pinned here, not in an import map: an importer of a clone (see the README) needs no map.
// deno-lint-ignore no-import-prefix
import mime from "npm:mime@^4.1.2";

/** The result of {@linkcode guessMimetype}; `null` where there is no guess. */
export interface MimetypeGuess {
  /** The MIME type, such as `"text/csv"`. */
  mimetype: string | null;
  /** The content encoding, such as `"gzip"`. */
  encoding: string | null;
}

// Python's mimetypes.suffix_map (looked up in lower case) and encodings_map (case-sensitive).
const SUFFIX_MAP: Record<string, string> = {
  ".svgz": ".svg.gz",
  ".tgz": ".tar.gz",
  ".taz": ".tar.gz",
  ".tz": ".tar.gz",
  ".tbz2": ".tar.bz2",
  ".txz": ".tar.xz",
};
const ENCODINGS_MAP: Record<string, string> = {
  ".gz": "gzip",
  ".Z": "compress",
  ".bz2": "bzip2",
  ".xz": "xz",
  ".br": "br",
};

// Python 3.11's built-in strict table (mimetypes.types_map without system files). It wins
// over the MIME database so that every guess Python makes is made the same way here.
const PYTHON_TYPES: Record<string, string> = {
  "js": "application/javascript",
  "mjs": "application/javascript",
  "json": "application/json",
  "webmanifest": "application/manifest+json",
  "doc": "application/msword",
  "dot": "application/msword",
  "wiz": "application/msword",
  "nq": "application/n-quads",
  "nt": "application/n-triples",
  "bin": "application/octet-stream",
  "a": "application/octet-stream",
  "dll": "application/octet-stream",
  "exe": "application/octet-stream",
  "o": "application/octet-stream",
  "obj": "application/octet-stream",
  "so": "application/octet-stream",
  "oda": "application/oda",
  "pdf": "application/pdf",
  "p7c": "application/pkcs7-mime",
  "ps": "application/postscript",
  "ai": "application/postscript",
  "eps": "application/postscript",
  "trig": "application/trig",
  "m3u": "application/vnd.apple.mpegurl",
  "m3u8": "application/vnd.apple.mpegurl",
  "xls": "application/vnd.ms-excel",
  "xlb": "application/vnd.ms-excel",
  "ppt": "application/vnd.ms-powerpoint",
  "pot": "application/vnd.ms-powerpoint",
  "ppa": "application/vnd.ms-powerpoint",
  "pps": "application/vnd.ms-powerpoint",
  "pwz": "application/vnd.ms-powerpoint",
  "wasm": "application/wasm",
  "bcpio": "application/x-bcpio",
  "cpio": "application/x-cpio",
  "csh": "application/x-csh",
  "dvi": "application/x-dvi",
  "gtar": "application/x-gtar",
  "hdf": "application/x-hdf",
  "h5": "application/x-hdf5",
  "latex": "application/x-latex",
  "mif": "application/x-mif",
  "cdf": "application/x-netcdf",
  "nc": "application/x-netcdf",
  "p12": "application/x-pkcs12",
  "pfx": "application/x-pkcs12",
  "ram": "application/x-pn-realaudio",
  "pyc": "application/x-python-code",
  "pyo": "application/x-python-code",
  "sh": "application/x-sh",
  "shar": "application/x-shar",
  "swf": "application/x-shockwave-flash",
  "sv4cpio": "application/x-sv4cpio",
  "sv4crc": "application/x-sv4crc",
  "tar": "application/x-tar",
  "tcl": "application/x-tcl",
  "tex": "application/x-tex",
  "texi": "application/x-texinfo",
  "texinfo": "application/x-texinfo",
  "roff": "application/x-troff",
  "t": "application/x-troff",
  "tr": "application/x-troff",
  "man": "application/x-troff-man",
  "me": "application/x-troff-me",
  "ms": "application/x-troff-ms",
  "ustar": "application/x-ustar",
  "src": "application/x-wais-source",
  "xsl": "application/xml",
  "rdf": "application/xml",
  "wsdl": "application/xml",
  "xpdl": "application/xml",
  "zip": "application/zip",
  "3gp": "audio/3gpp",
  "3gpp": "audio/3gpp",
  "3g2": "audio/3gpp2",
  "3gpp2": "audio/3gpp2",
  "aac": "audio/aac",
  "adts": "audio/aac",
  "loas": "audio/aac",
  "ass": "audio/aac",
  "au": "audio/basic",
  "snd": "audio/basic",
  "mp3": "audio/mpeg",
  "mp2": "audio/mpeg",
  "opus": "audio/opus",
  "aif": "audio/x-aiff",
  "aifc": "audio/x-aiff",
  "aiff": "audio/x-aiff",
  "ra": "audio/x-pn-realaudio",
  "wav": "audio/x-wav",
  "avif": "image/avif",
  "bmp": "image/bmp",
  "gif": "image/gif",
  "ief": "image/ief",
  "jpg": "image/jpeg",
  "jpe": "image/jpeg",
  "jpeg": "image/jpeg",
  "heic": "image/heic",
  "heif": "image/heif",
  "png": "image/png",
  "svg": "image/svg+xml",
  "tiff": "image/tiff",
  "tif": "image/tiff",
  "ico": "image/vnd.microsoft.icon",
  "ras": "image/x-cmu-raster",
  "pnm": "image/x-portable-anymap",
  "pbm": "image/x-portable-bitmap",
  "pgm": "image/x-portable-graymap",
  "ppm": "image/x-portable-pixmap",
  "rgb": "image/x-rgb",
  "xbm": "image/x-xbitmap",
  "xpm": "image/x-xpixmap",
  "xwd": "image/x-xwindowdump",
  "eml": "message/rfc822",
  "mht": "message/rfc822",
  "mhtml": "message/rfc822",
  "nws": "message/rfc822",
  "css": "text/css",
  "csv": "text/csv",
  "html": "text/html",
  "htm": "text/html",
  "n3": "text/n3",
  "txt": "text/plain",
  "bat": "text/plain",
  "c": "text/plain",
  "h": "text/plain",
  "ksh": "text/plain",
  "pl": "text/plain",
  "srt": "text/plain",
  "rtx": "text/richtext",
  "tsv": "text/tab-separated-values",
  "vtt": "text/vtt",
  "py": "text/x-python",
  "etx": "text/x-setext",
  "sgm": "text/x-sgml",
  "sgml": "text/x-sgml",
  "vcf": "text/x-vcard",
  "xml": "text/xml",
  "mp4": "video/mp4",
  "mpeg": "video/mpeg",
  "m1v": "video/mpeg",
  "mpa": "video/mpeg",
  "mpe": "video/mpeg",
  "mpg": "video/mpeg",
  "mov": "video/quicktime",
  "qt": "video/quicktime",
  "webm": "video/webm",
  "avi": "video/x-msvideo",
  "movie": "video/x-sgi-movie",
};

/**
 * Guesses a file's MIME type and encoding from its name, as Python's
 * `mimetypes.guess_type(filename)`: `.tgz` reads as `.tar.gz`, `.svgz` as `.svg.gz`, a
 * trailing `.gz`, `.bz2`, `.xz`, `.br` or `.Z` is the encoding, and the extension before it
 * gives the type. Where Python's table has no answer, the `mime` package's database does
 * (for example `.md` is `text/markdown` here and unknown to Python).
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { guessMimetype } from "@optuna-deno/artifacts";
 * assert.deepEqual(guessMimetype("model.tgz"), { mimetype: "application/x-tar", encoding: "gzip" });
 * ```
 *
 * @param filename A file name or path; only its last component is used.
 * @returns The guessed MIME type and encoding, each `null` when unknown.
 */
export function guessMimetype(filename: string): MimetypeGuess {
  const dataUrl = guessDataUrl(filename);
  if (dataUrl !== undefined) return { mimetype: dataUrl, encoding: null };
  let [base, ext] = splitext(filename);
  while (Object.hasOwn(SUFFIX_MAP, ext.toLowerCase())) {
    [base, ext] = splitext(base + SUFFIX_MAP[ext.toLowerCase()]);
  }
  let encoding: string | null = null;
  if (Object.hasOwn(ENCODINGS_MAP, ext)) {
    encoding = ENCODINGS_MAP[ext];
    [base, ext] = splitext(base);
  }
  return { mimetype: lookupType(ext), encoding };
}

function lookupType(ext: string): string | null {
  if (ext === "") return null;
  const name = ext.slice(1).toLowerCase();
  return Object.hasOwn(PYTHON_TYPES, name) ? PYTHON_TYPES[name] : mime.getType(name);
}

// posixpath.splitext: the last dot of the last component, ignoring leading dots.
function splitext(path: string): [string, string] {
  const slash = path.lastIndexOf("/");
  const dot = path.lastIndexOf(".");
  if (dot <= slash) return [path, ""];
  for (let i = slash + 1; i < dot; i++) {
    if (path[i] !== ".") return [path.slice(0, dot), path.slice(dot)];
  }
  return [path, ""];
}

// Python treats a name with a "data:" scheme as a data URL and reads the type from it.
function guessDataUrl(filename: string): string | null | undefined {
  const match = /^([^/:]+):/s.exec(filename);
  if (match === null || match[1].toLowerCase() !== "data") return undefined;
  const url = filename.slice(match[0].length);
  const comma = url.indexOf(",");
  if (comma < 0) return null;
  const semicolon = url.slice(0, comma).indexOf(";");
  const type = semicolon >= 0 ? url.slice(0, semicolon) : url.slice(0, comma);
  return type.includes("=") || !type.includes("/") ? "text/plain" : type;
}
