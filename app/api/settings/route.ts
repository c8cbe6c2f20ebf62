import { readJsonBody } from '@/lib/api/read-body.ts';
import { withAuth } from '@/lib/api/with-auth.ts';
import { recordAudit } from '@/lib/audit.ts';
import { db } from '@/lib/db.ts';
import { readSettings, updateSettings } from '@/lib/settings.ts';
import { settingsPatchSchema } from '@/lib/validations/settings.ts';

export const GET = withAuth('stats:read', async () => Response.json({ settings: await readSettings(db(), true) }));

export const PATCH = withAuth('settings:edit', async ({ request, principal, requestId, ip }) => {
  const patch = await readJsonBody(request, settingsPatchSchema);
  const settings = await updateSettings(
    db(),
    patch,
    (before, after) => recordAudit({ principal, requestId, ip }, { action: 'settings.update', targetType: 'settings', before, after }),
    principal.label,
  );
  return Response.json({ settings });
});
