'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import type { AlertRuleDto } from '@/lib/alerts/alert-rules.ts';
import type { JobSummaryDto } from '@/lib/data/jobs.ts';
import { apiFetch, ApiError } from '../api-client.ts';
import { Tag } from '../ui/badge.tsx';
import { Button } from '../ui/button.tsx';
import { ConfirmDialog } from '../ui/dialog.tsx';
import { FieldError, inputClass, type FieldErrors } from '../ui/field.tsx';
import { EmptyNote, ErrorNote, LoadingRows, Panel } from '../ui/panel.tsx';
import { AlertRuleForm } from './alert-rule-form.tsx';

const describeCondition = (condition: AlertRuleDto['condition']) => {
  const { type, ...parameters } = condition;
  const values = Object.entries(parameters).map(([key, value]) => `${key} ${String(value)}`);
  return values.length ? `${type} (${values.join(', ')})` : type;
};
const describeScope = (scope: Record<string, string>) => (scope.job ? `job ${scope.job}` : scope.category ? `category ${scope.category}` : 'all jobs');
type Channel = AlertRuleDto['channels'][number] | NonNullable<AlertRuleDto['escalation']>['channels'][number];
const hostOf = (url: string) => {
  try {
    return new URL(url).host;
  } catch {
    return 'webhook';
  }
};
const describeChannels = (channels: readonly Channel[]) =>
  channels
    .map((channel) => (channel.type === 'telegram' ? `telegram ${channel.chatId}` : channel.type === 'webhook' ? `webhook ${hostOf(channel.url)}` : channel.type === 'email' ? `email ${channel.to}` : 'dashboard'))
    .join(', ');
const describeEscalation = (escalation: AlertRuleDto['escalation']) => (escalation ? ` · escalates after ${escalation.afterMinutes} min to ${describeChannels(escalation.channels)}` : '');

/** Alert rules: list, create, edit, enable/disable and delete (admins); everyone else reads. */
export function AlertRulesPanel({ canManage }: { canManage: boolean }) {
  const queryClient = useQueryClient();
  const rules = useQuery({ queryKey: ['alert-rules'], queryFn: () => apiFetch<{ rules: AlertRuleDto[] }>('/api/alert-rules') });
  const jobs = useQuery({ queryKey: ['jobs'], queryFn: () => apiFetch<{ jobs: JobSummaryDto[] }>('/api/jobs'), enabled: canManage });
  const [editing, setEditing] = useState<string | 'new' | null>(null);
  const [deleting, setDeleting] = useState<AlertRuleDto | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['alert-rules'] });
  const change = useMutation({
    mutationFn: ({ id, patch }: { id: string; patch: object | null }) => apiFetch(`/api/alert-rules/${id}`, patch ? { method: 'PATCH', json: patch } : { method: 'DELETE' }),
    onSettled: refresh,
  });
  const save = async (id: string | null, body: unknown) => {
    await apiFetch(id ? `/api/alert-rules/${id}` : '/api/alert-rules', { method: id ? 'PATCH' : 'POST', json: body });
    await refresh();
    setEditing(null);
  };
  const jobNames = jobs.data?.jobs.map((job) => job.name) ?? [];

  return (
    <Panel
      title="Rules"
      actions={
        canManage && editing !== 'new' ? (
          <Button size="sm" variant="primary" onClick={() => setEditing('new')}>
            New rule
          </Button>
        ) : null
      }
    >
      {editing === 'new' ? (
        <div className="border-b border-line">
          <AlertRuleForm jobNames={jobNames} onSave={(body) => save(null, body)} onCancel={() => setEditing(null)} />
        </div>
      ) : null}
      {rules.error && !rules.data ? (
        <ErrorNote what="alert rules" error={rules.error} />
      ) : !rules.data ? (
        <LoadingRows label="Loading alert rules" rows={2} />
      ) : rules.data.rules.length === 0 ? (
        <EmptyNote title="No rules yet" hint={canManage ? 'Add one with "New rule": say what to watch and where to send it.' : 'An admin adds rules here.'} />
      ) : (
        <ul className="divide-y divide-line">
          {rules.data.rules.map((rule) =>
            editing === rule.id ? (
              <li key={rule.id} data-rule={rule.name}>
                <AlertRuleForm rule={rule} jobNames={jobNames} onSave={(body) => save(rule.id, body)} onCancel={() => setEditing(null)} />
              </li>
            ) : (
              <li key={rule.id} data-rule={rule.name} className="flex flex-wrap items-center gap-3 px-4 py-3 text-sm">
                <div className="min-w-0 flex-1">
                  <div className="truncate font-medium" title={rule.name}>
                    {rule.name}
                    {!rule.enabled ? <span className="ml-2"><Tag>disabled</Tag></span> : null}
                  </div>
                  <div className="truncate text-xs text-muted" title={`${describeCondition(rule.condition)} · ${describeScope(rule.scope)} · ${describeChannels(rule.channels)}${describeEscalation(rule.escalation)}`}>
                    {describeCondition(rule.condition)} · {describeScope(rule.scope)} · {rule.severity} · {describeChannels(rule.channels)} · cooldown {rule.cooldownMinutes} min
                    {describeEscalation(rule.escalation)}
                  </div>
                </div>
                {canManage ? (
                  <div className="flex gap-2">
                    <Button size="sm" onClick={() => setEditing(rule.id)}>
                      Edit
                    </Button>
                    <Button size="sm" onClick={() => change.mutate({ id: rule.id, patch: { enabled: !rule.enabled } })}>
                      {rule.enabled ? 'Disable' : 'Enable'}
                    </Button>
                    <Button
                      size="sm"
                      variant="danger"
                      onClick={() => setDeleting(rule)}
                    >
                      Delete
                    </Button>
                  </div>
                ) : null}
              </li>
            ),
          )}
        </ul>
      )}
      {deleting ? (
        <ConfirmDialog
          title={`Delete the rule “${deleting.name}”?`}
          message="Its alerts stay in the history."
          confirmLabel="Delete rule"
          pending={change.isPending}
          onCancel={() => setDeleting(null)}
          onConfirm={() => change.mutate({ id: deleting.id, patch: null }, { onSettled: () => setDeleting(null) })}
        />
      ) : null}
      {change.error ? (
        <p role="alert" className="px-4 pb-3 text-xs text-danger">
          {change.error.message}
        </p>
      ) : null}
    </Panel>
  );
}

/** "Send test message": checks the bot can write to a chat before a rule relies on it. */
export function TelegramTestPanel() {
  const [errors, setErrors] = useState<FieldErrors>({});
  const [sentTo, setSentTo] = useState<string | null>(null);
  const send = useMutation({
    mutationFn: (chatId: string) => apiFetch<{ messageId: string }>('/api/channels/telegram/test', { method: 'POST', json: { chatId } }),
    onSuccess: (_, chatId) => {
      setErrors({});
      setSentTo(chatId);
    },
    onError: (error) => {
      setSentTo(null);
      setErrors(error instanceof ApiError ? { ...error.fieldErrors, ...(error.status !== 422 ? { form: [error.message] } : {}) } : { form: ['Could not reach Kickoff'] });
    },
  });
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    send.mutate(String(new FormData(event.currentTarget).get('chatId') ?? '').trim());
  }
  return (
    <Panel title="Telegram">
      <form onSubmit={submit} noValidate className="flex flex-wrap items-start gap-3 p-4">
        <label className="min-w-48 flex-1 text-xs text-muted">
          Chat id
          <input name="chatId" className={inputClass} placeholder="-1001234567890" />
          <FieldError errors={errors} field="chatId" />
        </label>
        <Button type="submit" className="mt-5" disabled={send.isPending}>
          {send.isPending ? 'Sending…' : 'Send test message'}
        </Button>
        <div className="basis-full text-xs">
          {sentTo ? <p className="text-success">Sent to {sentTo}: check the chat.</p> : null}
          {errors.form ? (
            <p role="alert" className="text-danger">
              {errors.form.join(', ')}
            </p>
          ) : null}
        </div>
      </form>
    </Panel>
  );
}

/** "Send test e-mail": checks the mail server (SMTP_URL) takes a message for an address before a rule relies on it. */
export function EmailTestPanel() {
  const [errors, setErrors] = useState<FieldErrors>({});
  const [sentTo, setSentTo] = useState<string | null>(null);
  const send = useMutation({
    mutationFn: (to: string) => apiFetch<{ messageId: string }>('/api/channels/email/test', { method: 'POST', json: { to } }),
    onSuccess: (_, to) => {
      setErrors({});
      setSentTo(to);
    },
    onError: (error) => {
      setSentTo(null);
      setErrors(error instanceof ApiError ? { ...error.fieldErrors, ...(error.status !== 422 ? { form: [error.message] } : {}) } : { form: ['Could not reach Kickoff'] });
    },
  });
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    send.mutate(String(new FormData(event.currentTarget).get('to') ?? '').trim());
  }
  return (
    <Panel title="E-mail">
      <form onSubmit={submit} noValidate aria-label="Send test e-mail" className="flex flex-wrap items-start gap-3 p-4">
        <label className="min-w-48 flex-1 text-xs text-muted">
          Address
          <input name="to" type="email" className={inputClass} placeholder="oncall@example.com" />
          <FieldError errors={errors} field="to" />
        </label>
        <Button type="submit" className="mt-5" disabled={send.isPending}>
          {send.isPending ? 'Sending…' : 'Send test e-mail'}
        </Button>
        <div className="basis-full text-xs">
          {sentTo ? <p className="text-success">Sent to {sentTo}: check the inbox.</p> : null}
          {errors.form ? (
            <p role="alert" className="text-danger">
              {errors.form.join(', ')}
            </p>
          ) : null}
        </div>
      </form>
    </Panel>
  );
}
