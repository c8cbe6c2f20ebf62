import { assertInternalCaller } from '@/lib/api/internal-key.ts';
import { readJsonBody } from '@/lib/api/read-body.ts';
import { withErrors } from '@/lib/api/with-auth.ts';
import { cacheInvalidateBodySchema } from '@/lib/validations/cache.ts';
import { revalidateTags } from '../../../../_lib/revalidate-tags.ts';

/** For Kickoff's own processes (the internal key): revalidates the web app's Next.js cache tags after a job changed their data. */
export const POST = withErrors(async ({ request }) => {
  await assertInternalCaller(request);
  const { tags } = await readJsonBody(request, cacheInvalidateBodySchema);
  return Response.json(revalidateTags(tags));
});
