import { z } from 'zod';

/**
 * The one schema every text input and path id goes through. PostgreSQL's `text` cannot hold
 * a NUL (it answers 22021, JSONB 22P05), and UTF-8 cannot encode an unpaired UTF-16
 * surrogate (the driver would store U+FFFD in its place: the value would change silently),
 * so both are refused here, with a length bound, before anything reaches the database.
 */
const unstorable = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export const unstorableMessage = 'contains a NUL byte or an unpaired surrogate, which cannot be stored';

export function isStorableText(value: string): boolean {
  return !unstorable.test(value);
}

export interface TextOptions {
  /** Longest accepted length (after trimming). */
  max: number;
  /** Shortest accepted length (after trimming); 0 by default. */
  min?: number;
  /** Trim surrounding whitespace first (default true; passwords keep theirs). */
  trim?: boolean;
  /** The message for `min` (e.g. "Name the rule"). */
  minMessage?: string;
}

/** A text field: storable characters only, bounded length. */
export function text({ max, min = 0, trim = true, minMessage }: TextOptions) {
  const base = trim ? z.string().trim() : z.string();
  const bounded = min > 0 ? base.min(min, minMessage) : base;
  return bounded.max(max).refine(isStorableText, unstorableMessage);
}

/** A path segment (`:id`, `:name`, …) after Next decoded it: what `withAuth` checks every one against. */
export const pathParamSchema = z.string().min(1, 'is empty').max(200, 'is longer than 200 characters').refine(isStorableText, unstorableMessage);

export const maxJsonDepth = 20;

/**
 * Free-form JSON the database stores as JSONB (payloads, configs, templates): every string
 * and key storable, numbers finite and integers exact (JSON.parse turns `1e400` into
 * Infinity, stored as null, and digits past 2^53 are lost), nesting bounded.
 */
export function checkStorableJson(value: unknown, ctx: z.RefinementCtx): void {
  const walk = (node: unknown, path: (string | number)[], depth: number): void => {
    if (depth > maxJsonDepth) {
      ctx.addIssue({ code: 'custom', message: `is nested deeper than ${maxJsonDepth} levels`, path });
      return;
    }
    if (typeof node === 'string') {
      if (!isStorableText(node)) ctx.addIssue({ code: 'custom', message: unstorableMessage, path });
    } else if (typeof node === 'number') {
      if (!Number.isFinite(node)) ctx.addIssue({ code: 'custom', message: 'is a number too large to store', path });
      else if (Number.isInteger(node) && !Number.isSafeInteger(node)) ctx.addIssue({ code: 'custom', message: 'is an integer past ±2^53, which JSON cannot carry exactly (send it as a string)', path });
    } else if (Array.isArray(node)) {
      node.forEach((item, index) => walk(item, [...path, index], depth + 1));
    } else if (node !== null && typeof node === 'object') {
      for (const [key, item] of Object.entries(node)) {
        if (!isStorableText(key)) ctx.addIssue({ code: 'custom', message: `has a key that ${unstorableMessage}`, path });
        walk(item, [...path, key], depth + 1);
      }
    }
  };
  walk(value, [], 0);
}

/** Any JSON value, checked by `checkStorableJson`. */
export const jsonValueSchema = z.unknown().superRefine(checkStorableJson);
