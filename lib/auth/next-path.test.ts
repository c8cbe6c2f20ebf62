import { describe, expect, it } from 'vitest';
import { leavingNextValues } from '@/scripts/test/next-path-tricks.ts';
import { defaultNextPath, safeNextPath } from './next-path.ts';


describe('safeNextPath', () => {
  it.each(leavingNextValues)('keeps %j on Kickoff', (value) => {
    const path = safeNextPath(value);
    expect(path.startsWith('/')).toBe(true);
    expect(path.startsWith('//')).toBe(false);
    expect(new URL(path, 'https://kickoff.test/').origin).toBe('https://kickoff.test');
  });

  it('sends the leaving ones to the overview', () => {
    for (const value of leavingNextValues.filter((value) => /evil|script|data:/i.test(value))) expect(safeNextPath(value), value).toBe(defaultNextPath);
  });

  it('keeps a path on Kickoff with its query and hash', () => {
    expect(safeNextPath('/runs?status=failed#top')).toBe('/runs?status=failed#top');
    expect(safeNextPath('/%2F%5Cevil.example%2F')).toBe('/%2F%5Cevil.example%2F');
    expect(safeNextPath('runs')).toBe('/runs');
  });

  it('never goes back to the sign-in page, and reads nothing as a path', () => {
    expect(safeNextPath('/login?next=/runs')).toBe(defaultNextPath);
    expect(safeNextPath('')).toBe(defaultNextPath);
    expect(safeNextPath(undefined)).toBe(defaultNextPath);
  });
});
