import { withErrors } from '@/lib/api/with-auth.ts';
import { NotFoundError } from '@/lib/errors.ts';

/** Any `/api` path no route answers: the JSON 404 (Next's own is an HTML page). */
const notFound = withErrors<{ path?: string[] }>(async ({ request }) => {
  throw new NotFoundError('Route', new URL(request.url).pathname);
});

export { notFound as GET, notFound as POST, notFound as PUT, notFound as PATCH, notFound as DELETE, notFound as OPTIONS };
