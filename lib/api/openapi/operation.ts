import { z } from 'zod';
import type { ZodOpenApiOperationObject, ZodOpenApiResponseObject, ZodOpenApiResponsesObject } from 'zod-openapi';
import { permissions, type Permission } from '../../auth/permissions.ts';

/**
 * How a route is described: one `operation()` per method, in the file of its area. The
 * errors every route can answer (who may call it, a malformed or invalid body or query) are
 * added here from what the operation declares, so each entry lists only its own.
 */

export const errorSchema = z
  .object({
    error: z.object({
      code: z.string().meta({ description: 'Stable and machine-readable: `not_found`, `validation_failed`, `unauthorized`, `forbidden`, `rate_limited`, or the reason of a conflict such as `already_running`', example: 'not_found' }),
      message: z.string().meta({ description: 'For people; may change', example: 'Run "x" was not found' }),
      details: z.unknown().optional().meta({ description: 'Depends on the code: `fieldErrors` and `formErrors` for `validation_failed`, `retryAfterSeconds` for `rate_limited`, the holder\'s `runId` for `already_running`' }),
    }),
  })
  .meta({ id: 'Error', description: 'Every error on every `/api` path, unknown paths included' });

export const isoDateTime = z.iso.datetime({ offset: true });

const requestIdHeader = { description: 'The caller\'s `X-Request-Id` when it sent a valid one, else a new id; also in the logs and the audit log', schema: { type: 'string' as const } };

const errorDescriptions: Record<number, string> = {
  400: 'The body is not JSON, or a cursor is not one this API gave out (`bad_request`)',
  401: 'No valid session cookie or API key (`unauthorized`)',
  403: 'The caller\'s role or grants do not allow this, or a cookie-authenticated change came from another site (`forbidden`)',
  404: 'Not found (`not_found`)',
  409: 'The current state does not allow it; `code` names the reason',
  413: 'The body is larger than 256 KiB (`payload_too_large`)',
  422: 'The body or query fails its schema (`validation_failed`, with `details.fieldErrors`)',
  429: 'Too many requests (`rate_limited`, with `Retry-After`)',
  503: 'A dependency did not answer (`service_unavailable`)',
};

export interface SuccessResponse {
  description: string;
  /** The JSON body; a string schema with `contentType` for text. */
  schema?: z.ZodType;
  contentType?: string;
  /** The answer names a run: `Location: /api/runs/<id>`. */
  location?: boolean;
  headers?: Record<string, { description: string; schema: { type: 'string' | 'integer' } }>;
}

export interface OperationSpec {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  /** What the caller's role must grant; `public` for anyone, `internal` for Kickoff's own processes (the internal key). */
  access: Permission | 'public' | 'internal';
  path?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  responses: Partial<Record<200 | 201 | 202 | 204, SuccessResponse>> & Partial<Record<number, SuccessResponse>>;
  /** Errors this operation answers beyond the ones its access, body and query imply, with what they mean here. */
  errors?: Partial<Record<number, string>>;
}

export function operation(spec: OperationSpec): ZodOpenApiOperationObject {
  const responses: ZodOpenApiResponsesObject = {};
  for (const [status, response] of Object.entries(spec.responses)) responses[status as `2${string}`] = successResponse(response!);

  const errors: Partial<Record<number, string>> = {};
  if (spec.access !== 'public') errors[401] = spec.access === 'internal' ? 'The internal key is missing (`unauthorized`)' : errorDescriptions[401];
  if (spec.access !== 'public' && spec.access !== 'internal') errors[403] = errorDescriptions[403];
  if (spec.access === 'internal') errors[403] = 'A person or an API key, not Kickoff\'s own process (`forbidden`)';
  if (spec.body) Object.assign(errors, { 400: errorDescriptions[400], 413: errorDescriptions[413], 422: errorDescriptions[422] });
  if (spec.query) errors[422] = errorDescriptions[422];
  Object.assign(errors, spec.errors);
  for (const [status, description] of Object.entries(errors)) responses[status as `4${string}`] = errorResponse(Number(status), description!);

  const roles = spec.access === 'public' || spec.access === 'internal' ? null : permissions[spec.access];
  const access =
    spec.access === 'public' ? 'Public: no credentials needed.' : spec.access === 'internal' ? 'Internal: for Kickoff\'s own processes, with the internal key.' : `Needs \`${spec.access}\`: ${roles!.join(', ')}.`;
  return {
    operationId: spec.operationId,
    summary: spec.summary,
    description: [spec.description, access].filter(Boolean).join('\n\n'),
    tags: spec.tags,
    ...(spec.access === 'public' ? { security: [] } : spec.access === 'internal' ? { security: [{ internalKey: [] }] } : {}),
    'x-kickoff-access': spec.access,
    ...(spec.path || spec.query ? { requestParams: { ...(spec.path && { path: spec.path }), ...(spec.query && { query: spec.query }) } } : {}),
    ...(spec.body && {
      requestBody: {
        // readJsonBody reads an empty body as `{}`: the body is optional wherever `{}` is valid.
        required: !spec.body.safeParse({}).success,
        content: { 'application/json': { schema: spec.body } },
      },
    }),
    responses,
  };
}

function successResponse(response: SuccessResponse): ZodOpenApiResponseObject {
  return {
    description: response.description,
    headers: {
      'X-Request-Id': requestIdHeader,
      ...(response.location && { Location: { description: 'The run: `/api/runs/<id>`', schema: { type: 'string' } } }),
      ...response.headers,
    },
    ...(response.schema && { content: { [response.contentType ?? 'application/json']: { schema: response.schema } } }),
  };
}

function errorResponse(status: number, description: string): ZodOpenApiResponseObject {
  return {
    description,
    headers: {
      'X-Request-Id': requestIdHeader,
      ...(status === 401 && { 'WWW-Authenticate': { description: '`Bearer realm="kickoff"`', schema: { type: 'string' } } }),
      ...(status === 429 && { 'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer' } } }),
    },
    content: { 'application/json': { schema: errorSchema } },
  };
}
