import { readJsonBody } from '@/lib/api/read-body.ts';
import { withAuth } from '@/lib/api/with-auth.ts';
import { sendTelegramTestMessage } from '@/lib/alerts/send-test-message.ts';
import { telegramTestSchema } from '@/lib/validations/alerts.ts';

/** `POST /api/channels/telegram/test` `{ chatId }`: sends a test message to the chat (admins). */
export const POST = withAuth('alerts:manage', async ({ request, principal, requestId, ip }) => {
  const { chatId } = await readJsonBody(request, telegramTestSchema);
  return Response.json({ sent: true, ...(await sendTelegramTestMessage(String(chatId), { principal, requestId, ip })) });
});
