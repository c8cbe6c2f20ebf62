import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { candidateValues, kindsAt, parsePayloadSearch } from './payload-search.ts';

describe('payload search typing', () => {
  const schema = z
    .object({
      matchId: z.number().int().optional(),
      code: z.string().default('x'),
      live: z.boolean().nullable(),
      team: z.object({ id: z.number(), name: z.enum(['a', 'b']) }).optional(),
      either: z.union([z.string(), z.number()]),
      anything: z.unknown(),
    })
    .strict();

  it('types a field as the schema does, one level down too; a field it does not know has no kind', () => {
    expect([...kindsAt(schema, ['matchId'])]).toEqual(['number']);
    expect([...kindsAt(schema, ['code'])]).toEqual(['string']);
    expect([...kindsAt(schema, ['live'])]).toEqual(['boolean']);
    expect([...kindsAt(schema, ['team', 'id'])]).toEqual(['number']);
    expect([...kindsAt(schema, ['team', 'name'])]).toEqual(['string']);
    expect([...kindsAt(schema, ['either'])].sort()).toEqual(['number', 'string']);
    expect([...kindsAt(schema, ['anything'])].sort()).toEqual(['boolean', 'number', 'string']);
    expect([...kindsAt(schema, ['nope'])]).toEqual([]);
  });

  it('reads the value as each kind it can be', () => {
    expect(candidateValues('42', new Set(['number']))).toEqual([42]);
    expect(candidateValues('42', new Set(['string']))).toEqual(['42']);
    expect(candidateValues('forty', new Set(['number']))).toEqual([]);
    expect(candidateValues('true', new Set(['string', 'number', 'boolean']))).toEqual(['true', true]);
    expect(candidateValues('', new Set(['string', 'number']))).toEqual(['']);
  });

  it('tells a payload search from an id', () => {
    expect(parsePayloadSearch('team.id=7')).toEqual({ path: ['team', 'id'], raw: '7' });
    expect(parsePayloadSearch('0b6f-run-id')).toBeNull();
  });
});
