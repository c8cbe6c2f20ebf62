import { createDocument, type ZodOpenApiPathsObject } from 'zod-openapi';
import { sessionCookieName } from '../../auth/principal.ts';
import { compressMinBytes } from '../http-conventions.ts';
import { internalKeyHeader } from '../internal-key.ts';
import { accessPaths } from './access.ts';
import { alertPaths } from './alerts.ts';
import { jobPaths } from './jobs.ts';
import { leaguePaths } from './league.ts';
import { runPaths } from './runs.ts';
import { systemPaths } from './system.ts';

/** Each area's routes, in the order the reference shows them. */
const areas: ZodOpenApiPathsObject[] = [jobPaths, runPaths, alertPaths, leaguePaths, systemPaths, accessPaths];

const description = `Kickoff's JSON API: the dashboard uses it with the session cookie, scripts with an API key
(\`Authorization: Bearer <key>\`, created in Settings → API keys or with \`BOOTSTRAP_API_KEY\`).

Conventions on every \`/api\` path:
- Errors are \`{ error: { code, message, details? } }\`, unknown paths included (404); a method a
  route does not have answers 405 with \`Allow\`; no route answers 500 to any input.
- Every answer carries \`X-Request-Id\` (yours when you send a valid one).
- JSON of ${compressMinBytes} bytes or more is compressed with br or gzip when \`Accept-Encoding\` asks,
  with \`Vary: Accept-Encoding\`.
- Authenticated answers are \`Cache-Control: private, no-store\` with \`Vary: Authorization, Cookie\`;
  401 carries \`WWW-Authenticate: Bearer\`.
- A 202 that queued or acted on a run carries \`Location: /api/runs/<id>\`.
- Changes made with the session cookie must come from Kickoff's own pages (CSRF).`;

type OpenApiDocument = ReturnType<typeof createDocument>;

let document: OpenApiDocument | undefined;

/** The OpenAPI 3.1 document, generated once per process from the routes' zod schemas. */
export function openApiDocument(): OpenApiDocument {
  document ??= createDocument({
    openapi: '3.1.1',
    info: { title: 'Kickoff API', version: '1', description },
    security: [{ bearerAuth: [] }, { sessionCookie: [] }],
    tags: [
      { name: 'Jobs', description: 'The catalog, triggers and saved payloads' },
      { name: 'Runs', description: 'What ran, retries and cancels' },
      { name: 'Alerts', description: 'Rules, alerts and channels' },
      { name: 'League', description: 'The reference job pack' },
      { name: 'System', description: 'Health, numbers, settings, queues, audit' },
      { name: 'Access', description: 'Sign-in, users and API keys' },
      { name: 'Internal', description: 'For Kickoff\'s own processes' },
    ],
    components: {
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'API key', description: 'An API key: `Authorization: Bearer kk_…`' },
        sessionCookie: { type: 'apiKey', in: 'cookie', name: sessionCookieName, description: 'The dashboard\'s session, set by `POST /api/auth/login`' },
        internalKey: { type: 'apiKey', in: 'header', name: internalKeyHeader, description: 'Kickoff\'s own processes (the worker)' },
      },
    },
    paths: mergeAreas(areas),
  });
  return document;
}

function mergeAreas(paths: ZodOpenApiPathsObject[]): ZodOpenApiPathsObject {
  const merged: ZodOpenApiPathsObject = {};
  for (const area of paths) {
    for (const [path, item] of Object.entries(area)) {
      if (merged[path]) throw new Error(`OpenAPI path ${path} is described in two areas`);
      merged[path] = item;
    }
  }
  return merged;
}
