import type { z } from 'zod';
import { BadRequestError, PayloadTooLargeError, UnsupportedMediaTypeError, ValidationError } from '../errors.ts';

export const maxBodyBytes = 256 * 1024;

/** `application/json`, with or without parameters (`; charset=utf-8`). */
function isJsonContentType(value: string | null): boolean {
  return value !== null && value.split(';')[0]!.trim().toLowerCase() === 'application/json';
}

/**
 * Reads a JSON body (an empty body reads as `{}`) and validates it with `schema`. A body
 * must say it is JSON: a form or `text/plain` post (what another site can send without a
 * preflight) is refused with 415 before it is parsed.
 */
export async function readJsonBody<T extends z.ZodType>(request: Request, schema: T): Promise<z.output<T>> {
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (declared > maxBodyBytes) throw new PayloadTooLargeError(maxBodyBytes);
  const contentType = request.headers.get('content-type');
  if (declared > 0 && !isJsonContentType(contentType)) throw new UnsupportedMediaTypeError(contentType);
  const text = await readLimited(request, maxBodyBytes);
  if (text !== '' && !isJsonContentType(contentType)) throw new UnsupportedMediaTypeError(contentType);
  let body: unknown = {};
  if (text.trim() !== '') {
    try {
      body = JSON.parse(text);
    } catch {
      throw new BadRequestError('The request body is not valid JSON');
    }
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw ValidationError.fromZod(parsed.error, 'The request body is not valid');
  return parsed.data;
}

/** Validates a URL's query string with `schema` (each key read once; repeated keys keep the last). */
export function readQuery<T extends z.ZodType>(request: Request, schema: T): z.output<T> {
  const query = Object.fromEntries(new URL(request.url).searchParams);
  const parsed = schema.safeParse(query);
  if (!parsed.success) throw ValidationError.fromZod(parsed.error, 'The query string is not valid');
  return parsed.data;
}

async function readLimited(request: Request, limit: number): Promise<string> {
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw new PayloadTooLargeError(limit);
    }
    chunks.push(value);
  }
  // fatal: bytes that are not UTF-8 are refused, not turned into U+FFFD.
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new BadRequestError('The request body is not valid UTF-8');
  }
}
