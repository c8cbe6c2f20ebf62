import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export const routeMethods = ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'] as const;
export type RouteMethod = (typeof routeMethods)[number];
export type RouteHandler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;

export interface RouteFile {
  file: string;
  /** `/api/jobs/[name]/trigger` */
  path: string;
  /** The dynamic segments' names, e.g. ['name']. */
  params: string[];
  /** `app/api/[[...path]]`: the JSON 404 for paths no route answers. */
  catchAll: boolean;
}

const apiDir = new URL('../../app/api/', import.meta.url).pathname;

/** Every route handler file under app/api, for the tests that walk all routes. */
export function apiRoutes(dir = apiDir): RouteFile[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return apiRoutes(path);
    if (entry !== 'route.ts') return [];
    const routePath = `/api/${relative(apiDir, path).replace(/\/?route\.ts$/, '')}`;
    return [{ file: path, path: routePath, params: [...routePath.matchAll(/\[(\w+)\]/g)].map(([, name]) => name!), catchAll: routePath.includes('[...') || routePath.includes('[[...') }];
  });
}

export async function loadHandlers(route: RouteFile): Promise<[RouteMethod, RouteHandler][]> {
  const module = (await import(route.file)) as Partial<Record<RouteMethod, RouteHandler>>;
  return routeMethods.filter((method) => typeof module[method] === 'function').map((method) => [method, module[method]!]);
}

/** The URL path with the dynamic segments filled in. */
export function fillPath(route: RouteFile, values: Record<string, string>): string {
  return route.path.replace(/\[(\w+)\]/g, (_, name: string) => encodeURIComponent(values[name] ?? ''));
}
