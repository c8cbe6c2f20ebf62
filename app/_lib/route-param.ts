/**
 * A dynamic segment as written: Next hands it over still percent-encoded. A malformed escape
 * is kept as it is rather than thrown (it then names nothing: a 404, never a 500).
 */
export function decodeParam(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
