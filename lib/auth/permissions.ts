import type { Role } from '@/generated/prisma/enums.ts';

/** What a route may need. Each route handler names exactly one. */
export const permissions = {
  'jobs:read': ['admin', 'operator', 'viewer'],
  'runs:read': ['admin', 'operator', 'viewer'],
  'stats:read': ['admin', 'operator', 'viewer'],
  'jobs:trigger': ['admin', 'operator'],
  'runs:retry': ['admin', 'operator'],
  'runs:cancel': ['admin', 'operator'],
  'jobs:edit': ['admin'],
  'queues:manage': ['admin'],
  'settings:edit': ['admin'],
  'users:manage': ['admin'],
  'audit:read': ['admin'],
  'alerts:manage': ['admin'],
  'alerts:ack': ['admin', 'operator'],
  /** Empty the league cache (every process's copies and Redis's). */
  'cache:purge': ['admin'],
  /** A signed-in person's own account (their password). */
  'account:edit': ['admin', 'operator', 'viewer'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof permissions;

export function roleAllows(role: Role, permission: Permission): boolean {
  return (permissions[permission] as readonly Role[]).includes(role);
}
