// Content-Disposition for a download (RFC 6266 with RFC 5987's filename*): an ASCII fallback
// for old clients and the exact UTF-8 name for the rest.

/** `inline` with the recorded file name, whatever characters it holds. */
export function contentDisposition(filename: string): string {
  const fallback = filename.replace(/[^\x20-\x7e]|["\\%]/g, "_");
  const encoded = encodeURIComponent(filename).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `inline; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
