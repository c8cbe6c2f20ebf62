import { readQuery } from '@/lib/api/read-body.ts';
import { withAuth } from '@/lib/api/with-auth.ts';
import { scheduleAhead } from '@/lib/data/schedule-ahead.ts';
import { scheduleQuerySchema } from '@/lib/validations/jobs.ts';

/** `GET /api/schedule?hours=24`: every scheduled job's next fires, with the skips the window, a pause or the switch predict. */
export const GET = withAuth('jobs:read', async ({ request }) => Response.json(await scheduleAhead(readQuery(request, scheduleQuerySchema).hours)));
