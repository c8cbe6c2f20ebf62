import { readFileSync } from 'node:fs';
import { InvalidArgumentError } from 'commander';

/** `--payload`: inline JSON, `@file.json`, or `@-` for standard input. */
export function parsePayload(value: string): unknown {
  let text = value;
  let where = 'the value';
  if (value.startsWith('@')) {
    const path = value.slice(1);
    where = path === '-' ? 'standard input' : path;
    try {
      text = readFileSync(path === '-' ? 0 : path, 'utf8');
    } catch (error) {
      throw new InvalidArgumentError(`cannot read ${where}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
    }
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InvalidArgumentError(`${where} is not JSON (${(error as Error).message}); pass an object such as '{"sleepMs":1000}' or @payload.json`);
  }
}

const units: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `--since`: an age (`90s`, `30m`, `2h`, `7d`, `1w`) or a date/time (`2025-05-01`, `2025-05-01T12:00:00Z`); returns ISO 8601. */
export function parseSince(value: string, now = Date.now()): string {
  const age = /^(\d+(?:\.\d+)?)\s*([smhdw])$/i.exec(value.trim());
  if (age) return new Date(now - Number(age[1]) * units[age[2]!.toLowerCase()]!).toISOString();
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new InvalidArgumentError('expected an age such as 30m, 2h or 7d, or a date such as 2025-05-01T12:00:00Z');
  return date.toISOString();
}

/** A whole number within bounds (`--limit`). */
export function integerBetween(min: number, max: number) {
  return (value: string): number => {
    const number = Number(value);
    if (!Number.isInteger(number) || number < min || number > max) throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`);
    return number;
  };
}

/** Seconds, possibly fractional, above zero (`--timeout`, `--interval`). */
export function positiveSeconds(value: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new InvalidArgumentError('expected a number of seconds above 0, such as 30 or 0.5');
  return number;
}
