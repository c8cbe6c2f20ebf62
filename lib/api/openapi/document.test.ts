import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { apiRoutes, loadHandlers } from '@/scripts/test/route-files.ts';
import { openApiDocument } from './document.ts';

const document = openApiDocument();
const operationMethods = ['get', 'post', 'put', 'patch', 'delete'] as const;
/** `/api/jobs/[name]` → `/api/jobs/{name}` */
const openApiPath = (routePath: string) => routePath.replace(/\[(\w+)\]/g, '{$1}');

describe('the OpenAPI document', () => {
  it('is valid OpenAPI 3.1', async () => {
    expect(document.openapi).toMatch(/^3\.1\./);
    const validator = new Validator();
    const result = await validator.validate(JSON.parse(JSON.stringify(document)) as Parameters<Validator['validate']>[0]);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('has an entry for every method of every app/api route file, and none for a route that does not exist', async () => {
    const fromFiles: string[] = [];
    for (const route of apiRoutes().filter((file) => !file.catchAll)) {
      for (const [method] of await loadHandlers(route)) fromFiles.push(`${method} ${openApiPath(route.path)}`);
    }
    const documented = Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
      operationMethods.filter((method) => item[method]).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(documented.filter((operation) => !fromFiles.includes(operation)), 'documented without a route').toEqual([]);
    expect(fromFiles.filter((operation) => !documented.includes(operation)), 'routes without an entry').toEqual([]);
  });

  it('names each path parameter as its route file does, and documents at least one success and the errors of its access', () => {
    for (const [path, item] of Object.entries(document.paths ?? {})) {
      const names = [...path.matchAll(/\{(\w+)\}/g)].map(([, name]) => name).sort();
      for (const method of operationMethods) {
        const operation = item[method];
        if (!operation) continue;
        const label = `${method.toUpperCase()} ${path}`;
        const pathParams = (operation.parameters ?? []).filter((parameter) => 'in' in parameter && parameter.in === 'path').map((parameter) => ('name' in parameter ? parameter.name : '')).sort();
        expect(pathParams, label).toEqual(names);
        const statuses = Object.keys(operation.responses ?? {});
        expect(statuses.some((status) => status.startsWith('2')), label).toBe(true);
        const access = (operation as { 'x-kickoff-access'?: string })['x-kickoff-access'];
        if (access === 'public') expect(operation.security, label).toEqual([]);
        else expect(statuses, label).toEqual(expect.arrayContaining(['401', '403']));
        expect(operation.operationId, label).toBeTruthy();
      }
    }
  });

  it('describes both ways in: the bearer API key and the session cookie', () => {
    expect(document.security).toEqual([{ bearerAuth: [] }, { sessionCookie: [] }]);
    expect(document.components?.securitySchemes).toMatchObject({
      bearerAuth: { type: 'http', scheme: 'bearer' },
      sessionCookie: { type: 'apiKey', in: 'cookie', name: 'kickoff_session' },
    });
  });

  it('holds no secrets: no key, token or password values', () => {
    const text = JSON.stringify(document);
    for (const value of [process.env.SESSION_SECRET, process.env.BOOTSTRAP_API_KEY, process.env.BOOTSTRAP_ADMIN_PASSWORD, process.env.TELEGRAM_BOT_TOKEN, process.env.INTERNAL_API_KEY]) {
      if (value) expect(text).not.toContain(value);
    }
    expect(text).not.toMatch(/kk_[A-Za-z0-9]{16,}/);
  });
});
