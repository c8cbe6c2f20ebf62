'use client';

import { useState, type FormEvent } from 'react';
import type { AlertRuleDto } from '@/lib/alerts/alert-rules.ts';
import { categoryNames } from '@/lib/jobs/categories.ts';
import { alertRuleSchema } from '@/lib/validations/alerts.ts';
import { ApiError } from '../api-client.ts';
import { Button } from '../ui/button.tsx';
import { FieldError, inputClass, type FieldErrors } from '../ui/field.tsx';

/** Each condition type with its parameters: the field, its label and a default (null: left empty, optional). */
export const conditionFields = {
  'run-failed': [],
  'long-running': [{ name: 'thresholdMs', label: 'Threshold (ms)', initial: 600_000 }],
  'error-rate': [
    { name: 'windowMinutes', label: 'Window (minutes)', initial: 60 },
    { name: 'threshold', label: 'Failure share (0–1)', initial: 0.5 },
    { name: 'minRuns', label: 'At least runs', initial: 5 },
  ],
  'consecutive-failures': [{ name: 'count', label: 'Failures in a row', initial: 3 }],
  'missed-schedule': [{ name: 'graceMinutes', label: 'Grace (minutes)', initial: 10 }],
  backlog: [
    { name: 'waiting', label: 'Waiting above', initial: 100 },
    { name: 'forMinutes', label: 'For (minutes)', initial: 10 },
  ],
  'worker-offline': [{ name: 'afterSeconds', label: 'No heartbeat for (s)', initial: 60 }],
  'worker-resources': [
    { name: 'rssMb', label: 'Memory above (MB)', initial: 1_024 },
    { name: 'cpuPercent', label: 'CPU above (% of a core)', initial: null },
    { name: 'eventLoopLagMs', label: 'Event-loop lag above (ms)', initial: null },
    { name: 'forMinutes', label: 'For (minutes)', initial: 5 },
  ],
  'run-completed': [{ name: 'minDurationMs', label: 'Only runs longer than (ms)', initial: null }],
  'data-quality': [{ name: 'minProblems', label: 'At least problems', initial: 1 }],
} as const satisfies Record<string, readonly { name: string; label: string; initial: number | null }[]>;

export type ConditionType = keyof typeof conditionFields;
export const conditionTypes = Object.keys(conditionFields) as ConditionType[];

const conditionHelp: Record<ConditionType, string> = {
  'run-failed': 'A run failed on its last attempt',
  'long-running': 'A run is still running past the threshold',
  'error-rate': 'The share of failed runs in the window reaches the threshold',
  'consecutive-failures': 'The latest runs all failed',
  'missed-schedule': 'A scheduled job produced no run when it was due',
  backlog: 'A queue stays above a depth',
  'worker-offline': 'A worker sent no heartbeat',
  'worker-resources': 'A worker’s memory, CPU or event-loop lag stays over a limit (leave a limit empty to ignore it)',
  'run-completed': 'A run completed: a notice, info (dashboard) or warning (sent at once)',
  'data-quality': 'A job’s latest run counted data problems (leaderboard-validation does)',
};

const list = (value: string) =>
  value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);

type Channel = AlertRuleDto['channels'][number] | NonNullable<AlertRuleDto['escalation']>['channels'][number];
const telegramChats = (channels: readonly Channel[]) => channels.flatMap((channel) => (channel.type === 'telegram' ? [String(channel.chatId)] : [])).join(', ');
const emailAddresses = (channels: readonly Channel[]) => channels.flatMap((channel) => (channel.type === 'email' ? [channel.to] : [])).join(', ');
const webhookUrl = (channels: readonly Channel[]) => channels.flatMap((channel) => (channel.type === 'webhook' ? [channel.url] : []))[0] ?? '';

/** The channels of the form's inputs, and which input each one came from (so `<prefix>.<index>.*` errors land at it). */
function readChannels(form: FormData, names: { telegram: string; email: string; webhook: string }) {
  const text = (name: string) => String(form.get(name) ?? '').trim();
  const channels: unknown[] = [];
  const from: Record<number, string> = {};
  for (const chatId of list(text(names.telegram))) {
    from[channels.length] = names.telegram;
    channels.push({ type: 'telegram', chatId });
  }
  for (const to of list(text(names.email))) {
    from[channels.length] = names.email;
    channels.push({ type: 'email', to });
  }
  if (text(names.webhook)) {
    from[channels.length] = names.webhook;
    channels.push({ type: 'webhook', url: text(names.webhook) });
  }
  return { channels, from };
}

/**
 * Create or edit an alert rule. The body is checked with the API's own schema before it is
 * sent, and the API's 422 comes back the same way: each message next to its field.
 */
export function AlertRuleForm({ rule, jobNames, onSave, onCancel }: { rule?: AlertRuleDto; jobNames: string[]; onSave: (body: unknown) => Promise<unknown>; onCancel?: () => void }) {
  const [type, setType] = useState<ConditionType>((rule?.condition.type as ConditionType) ?? 'run-failed');
  const [scopeKind, setScopeKind] = useState<'all' | 'category' | 'job'>(rule?.scope.job ? 'job' : rule?.scope.category ? 'category' : 'all');
  const [escalate, setEscalate] = useState(Boolean(rule?.escalation));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [saving, setSaving] = useState(false);
  const channels = rule?.channels ?? [{ type: 'dashboard' as const }];
  const escalationChannels = rule?.escalation?.channels ?? [];
  const prefix = rule ? `rule-${rule.id}` : 'rule-new';

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? '').trim();
    const number = (name: string) => (text(name) === '' ? undefined : Number(text(name)));
    // Where each channel's errors belong: `channels.<index>.*` points back at the input it came from.
    const chosen = readChannels(form, { telegram: 'telegram', email: 'email', webhook: 'webhook' });
    const dashboard = form.get('dashboard') ? [{ type: 'dashboard' }] : [];
    const chosenChannels = [...dashboard, ...chosen.channels];
    const channelField = Object.fromEntries(Object.entries(chosen.from).map(([index, field]) => [Number(index) + dashboard.length, field]));
    const escalation = readChannels(form, { telegram: 'escalationTelegram', email: 'escalationEmail', webhook: 'escalationWebhook' });
    const body = {
      name: text('name'),
      condition: { type, ...Object.fromEntries(conditionFields[type].map((field) => [field.name, number(field.name)])) },
      scope: scopeKind === 'job' ? { job: text('scopeJob') } : scopeKind === 'category' ? { category: text('scopeCategory') } : {},
      severity: text('severity'),
      channels: chosenChannels,
      cooldownMinutes: number('cooldownMinutes'),
      escalation: escalate ? { afterMinutes: number('escalationAfterMinutes'), channels: escalation.channels } : null,
      enabled: Boolean(form.get('enabled')),
    };
    const fieldOf = (path: string) => {
      const escalated = /^escalation\.channels\.(\d+)/.exec(path);
      if (escalated) return escalation.from[Number(escalated[1])] ?? 'escalationChannels';
      if (path === 'escalation.channels') return 'escalationChannels';
      const channel = /^channels\.(\d+)/.exec(path);
      return channel ? (channelField[Number(channel[1])] ?? 'channels') : path;
    };
    const toFields = (fieldErrors: FieldErrors) => {
      const fields: FieldErrors = {};
      for (const [path, messages] of Object.entries(fieldErrors)) (fields[fieldOf(path)] ??= []).push(...messages);
      return fields;
    };
    const checked = alertRuleSchema.safeParse(body);
    if (!checked.success) {
      const flat: FieldErrors = {};
      for (const issue of checked.error.issues) (flat[issue.path.join('.') || 'form'] ??= []).push(issue.message);
      setErrors(toFields(flat));
      return;
    }
    setSaving(true);
    try {
      await onSave(body);
      setErrors({});
    } catch (error) {
      setErrors(error instanceof ApiError ? { ...toFields(error.fieldErrors), ...(error.status !== 422 ? { form: [error.message] } : {}) } : { form: ['Could not reach Kickoff'] });
    } finally {
      setSaving(false);
    }
  }

  return (
    <form onSubmit={submit} noValidate aria-label={rule ? `Edit ${rule.name}` : 'New alert rule'} className="grid grid-cols-2 gap-3 p-4 md:grid-cols-4">
      <label className="col-span-2 text-xs text-muted">
        Name
        <input name="name" defaultValue={rule?.name} className={inputClass} placeholder="Probe keeps failing" />
        <FieldError errors={errors} field="name" />
      </label>
      <label className="text-xs text-muted">
        Condition
        <select name="type" aria-label="Condition" value={type} onChange={(event) => setType(event.target.value as ConditionType)} className={inputClass}>
          {conditionTypes.map((option) => (
            <option key={option}>{option}</option>
          ))}
        </select>
        <span className="mt-1 block">{conditionHelp[type]}</span>
        <FieldError errors={errors} field="condition.type" />
      </label>
      <label className="text-xs text-muted">
        Severity
        <select name="severity" aria-label="Severity" defaultValue={rule?.severity ?? 'critical'} className={inputClass}>
          <option value="critical">critical: now, repeated every 5 min</option>
          <option value="warning">warning: hourly digest</option>
          <option value="info">info: dashboard only</option>
        </select>
        <FieldError errors={errors} field="severity" />
      </label>
      {conditionFields[type].map((field) => (
        <label key={`${type}-${field.name}`} className="text-xs text-muted">
          {field.label}
          <input
            name={field.name}
            type="number"
            step="any"
            defaultValue={(rule?.condition.type === type ? (rule.condition as unknown as Record<string, number>)[field.name] : undefined) ?? field.initial ?? ''}
            className={inputClass}
          />
          <FieldError errors={errors} field={`condition.${field.name}`} />
        </label>
      ))}
      <label className="text-xs text-muted">
        Applies to
        <select aria-label="Applies to" value={scopeKind} onChange={(event) => setScopeKind(event.target.value as typeof scopeKind)} className={inputClass}>
          <option value="all">all jobs</option>
          <option value="category">a category</option>
          <option value="job">one job</option>
        </select>
        <FieldError errors={errors} field="scope" />
      </label>
      {scopeKind === 'category' ? (
        <label className="text-xs text-muted">
          Category
          <select name="scopeCategory" aria-label="Category" defaultValue={rule?.scope.category} className={inputClass}>
            {categoryNames.map((category) => (
              <option key={category}>{category}</option>
            ))}
          </select>
          <FieldError errors={errors} field="scope.category" />
        </label>
      ) : scopeKind === 'job' ? (
        <label className="text-xs text-muted">
          Job
          <input name="scopeJob" aria-label="Job" list={`${prefix}-jobs`} defaultValue={rule?.scope.job} className={inputClass} />
          <datalist id={`${prefix}-jobs`}>
            {jobNames.map((name) => (
              <option key={name} value={name} />
            ))}
          </datalist>
          <FieldError errors={errors} field="scope.job" />
        </label>
      ) : null}
      <fieldset className="col-span-2 grid grid-cols-1 gap-2 md:col-span-4 md:grid-cols-3">
        <legend className="mb-1 text-xs text-muted">Send to</legend>
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" name="dashboard" defaultChecked={channels.some((channel) => channel.type === 'dashboard')} />
          Dashboard
        </label>
        <label className="text-xs text-muted">
          Telegram chat ids (comma-separated)
          <input name="telegram" defaultValue={telegramChats(channels)} className={inputClass} placeholder="-1001234567890" />
          <FieldError errors={errors} field="telegram" />
        </label>
        <label className="text-xs text-muted">
          E-mail addresses (comma-separated)
          <input name="email" defaultValue={emailAddresses(channels)} className={inputClass} placeholder="oncall@example.com" />
          <FieldError errors={errors} field="email" />
        </label>
        <label className="text-xs text-muted md:col-span-2">
          Webhook URL (JSON POST)
          <input name="webhook" defaultValue={webhookUrl(channels)} className={inputClass} placeholder="https://hooks.example.com/kickoff" />
          <FieldError errors={errors} field="webhook" />
        </label>
        <div className="md:col-span-3">
          <FieldError errors={errors} field="channels" />
        </div>
      </fieldset>
      <fieldset aria-label="Escalation" className="col-span-2 grid grid-cols-1 gap-2 md:col-span-4 md:grid-cols-3">
        <legend className="mb-1 text-xs text-muted">Escalation (critical alerts)</legend>
        <label className="flex items-center gap-2 text-sm md:col-span-3">
          <input type="checkbox" name="escalate" checked={escalate} onChange={(event) => setEscalate(event.target.checked)} />
          When nobody acknowledges it, send it to more channels
        </label>
        {escalate ? (
          <>
            <label className="text-xs text-muted">
              Not acknowledged for (minutes)
              <input name="escalationAfterMinutes" type="number" defaultValue={rule?.escalation?.afterMinutes ?? 15} className={inputClass} />
              <FieldError errors={errors} field="escalation.afterMinutes" />
            </label>
            <label className="text-xs text-muted">
              Then Telegram chat ids
              <input name="escalationTelegram" defaultValue={telegramChats(escalationChannels)} className={inputClass} placeholder="-1009876543210" />
              <FieldError errors={errors} field="escalationTelegram" />
            </label>
            <label className="text-xs text-muted">
              Then e-mail addresses
              <input name="escalationEmail" defaultValue={emailAddresses(escalationChannels)} className={inputClass} placeholder="lead@example.com" />
              <FieldError errors={errors} field="escalationEmail" />
            </label>
            <label className="text-xs text-muted md:col-span-2">
              Then webhook URL
              <input name="escalationWebhook" defaultValue={webhookUrl(escalationChannels)} className={inputClass} placeholder="https://pager.example.com/kickoff" />
              <FieldError errors={errors} field="escalationWebhook" />
            </label>
          </>
        ) : null}
        <div className="md:col-span-3">
          <FieldError errors={errors} field="escalation" />
          <FieldError errors={errors} field="escalationChannels" />
        </div>
      </fieldset>
      <label className="text-xs text-muted">
        Cooldown (minutes)
        <input name="cooldownMinutes" type="number" defaultValue={rule?.cooldownMinutes ?? 15} className={inputClass} />
        <FieldError errors={errors} field="cooldownMinutes" />
      </label>
      <label className="flex items-end gap-2 pb-2 text-sm">
        <input type="checkbox" name="enabled" defaultChecked={rule?.enabled ?? true} />
        Enabled
      </label>
      <div className="col-span-2 flex items-end justify-end gap-2">
        {onCancel ? <Button onClick={onCancel}>Cancel</Button> : null}
        <Button type="submit" variant="primary" disabled={saving}>
          {rule ? 'Save rule' : 'Add rule'}
        </Button>
      </div>
      {errors.form ? (
        <p role="alert" className="col-span-full text-xs text-danger">
          {errors.form.join(', ')}
        </p>
      ) : null}
    </form>
  );
}
