import { readQuery } from '@/lib/api/read-body.ts';
import { withAuth } from '@/lib/api/with-auth.ts';
import { runExportContentTypes, runExportStream } from '@/lib/data/run-export.ts';
import { runExportQuerySchema } from '@/lib/validations/runs.ts';

/** The runs matching the Runs table's filters, as a CSV or NDJSON download, streamed page by page. */
export const GET = withAuth('runs:read', async ({ request }) => {
  const query = readQuery(request, runExportQuerySchema);
  const stamp = new Date().toISOString().slice(0, 19).replaceAll(':', '-');
  return new Response(runExportStream(query), {
    headers: {
      'Content-Type': runExportContentTypes[query.format],
      'Content-Disposition': `attachment; filename="kickoff-runs-${stamp}.${query.format}"`,
      'Cache-Control': 'no-store',
    },
  });
});
