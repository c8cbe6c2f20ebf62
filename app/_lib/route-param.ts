/** A dynamic segment as written: Next hands it over still percent-encoded; a malformed escape is kept as it is (it then names nothing, a 404). */
export function decodeParam(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
