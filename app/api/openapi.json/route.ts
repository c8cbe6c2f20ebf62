import { withErrors } from '@/lib/api/with-auth.ts';
import { openApiDocument } from '@/lib/api/openapi/document.ts';

/** Public: the API's OpenAPI 3.1 document (no secrets: schemas, routes and the names of the credentials). */
export const GET = withErrors(async () => Response.json(openApiDocument(), { headers: { 'Cache-Control': 'public, max-age=300' } }));
