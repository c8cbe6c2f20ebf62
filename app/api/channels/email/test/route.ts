import { readJsonBody } from '@/lib/api/read-body.ts';
import { withAuth } from '@/lib/api/with-auth.ts';
import { sendEmailTestMessage } from '@/lib/alerts/send-test-message.ts';
import { emailTestSchema } from '@/lib/validations/alerts.ts';

/** `POST /api/channels/email/test` `{ to }`: sends a test e-mail to the address (admins). */
export const POST = withAuth('alerts:manage', async ({ request, principal, requestId, ip }) => {
  const { to } = await readJsonBody(request, emailTestSchema);
  return Response.json({ sent: true, ...(await sendEmailTestMessage(to, { principal, requestId, ip })) });
});
