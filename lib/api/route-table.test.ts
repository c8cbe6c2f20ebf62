import { describe, expect, it } from 'vitest';
import { allowHeader, matchApiRoute } from './route-table.ts';

describe('matching a path to its route as Next does', () => {
  it('prefers a fixed segment over a [param] at the first place they differ', () => {
    expect(matchApiRoute('/api/runs/bulk-retry')?.path).toBe('/api/runs/bulk-retry');
    expect(matchApiRoute('/api/runs/abc')?.path).toBe('/api/runs/[id]');
    expect(matchApiRoute('/api/runs/abc/retry')?.path).toBe('/api/runs/[id]/retry');
    expect(matchApiRoute('/api/jobs/probe/templates/t1')?.path).toBe('/api/jobs/[name]/templates/[template]');
  });

  it('matches nothing for paths only the catch-all answers', () => {
    for (const path of ['/api', '/api/', '/api/nope', '/api/jobs/probe/nope', '/api/runs/a/b/c', '/api/jobs/']) expect(matchApiRoute(path), path).toBeNull();
  });

  it('lists HEAD with GET and always OPTIONS in Allow, sorted', () => {
    expect(allowHeader(['GET', 'PATCH'])).toEqual(['GET', 'HEAD', 'OPTIONS', 'PATCH']);
    expect(allowHeader(['POST'])).toEqual(['OPTIONS', 'POST']);
  });
});
