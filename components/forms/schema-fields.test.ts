import { describe, expect, it } from 'vitest';
import { dataFrom, describeDefault, valuesFrom, type FieldSchema } from './schema-fields.tsx';

const properties: Record<string, FieldSchema> = {
  sleepMs: { type: 'integer', unit: 'ms', editAs: 'seconds', default: 0 },
  ratio: { type: 'number', unit: 'ratio', default: 0.8 },
  leagueIds: { type: 'array', items: { type: 'integer' }, default: [1, 2] },
  source: { type: 'string', enum: ['cron', 'admin'], default: 'cron' },
};

describe('schema fields', () => {
  it('shows milliseconds as seconds and a ratio as a percentage, and stores them back', () => {
    const values = valuesFrom(properties, { sleepMs: 1500 });
    expect(values).toEqual({ sleepMs: '1.5', ratio: '80', leagueIds: ['1', '2'], source: 'cron' });
    expect(dataFrom(properties, { ...values, ratio: '55', leagueIds: ['3', '', '4'] })).toEqual({
      data: { sleepMs: 1500, ratio: 0.55, leagueIds: [3, 4], source: 'cron' },
      errors: {},
    });
  });

  it('says a default in the unit it is edited in, and refuses an array entry that is no number', () => {
    expect(describeDefault({ type: 'integer', unit: 'ms', editAs: 'minutes', default: 120_000 })).toBe('2 minutes');
    expect(describeDefault(properties.ratio!)).toBe('80 %');
    expect(dataFrom(properties, { leagueIds: ['x'] }).errors).toEqual({ leagueIds: 'Every entry must be a number' });
  });
});
