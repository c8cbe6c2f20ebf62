'use client';

import { useState, type FormEvent } from 'react';
import type { AlertRuleDto } from '@/lib/alerts/alert-rules.ts';
import { categoryNames } from '@/lib/jobs/categories.ts';
import { alertRuleSchema } from '@/lib/validations/alerts.ts';
import { ApiError } from '../api-client.ts';
import { Button } from '../ui/button.tsx';
import { FieldError, inputClass, type FieldErrors } from '../ui/field.tsx';

/** Each condition type with its parameters: the field, its label and a default. */
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
} as const satisfies Record<string, readonly { name: string; label: string; initial: number }[]>;

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
};

/**
 * Create or edit an alert rule. The body is checked with the API's own schema before it is
 * sent, and the API's 422 comes back the same way: each message next to its field.
 */
export function AlertRuleForm({ rule, jobNames, onSave, onCancel }: { rule?: AlertRuleDto; jobNames: string[]; onSave: (body: unknown) => Promise<unknown>; onCancel?: () => void }) {
  const [type, setType] = useState<ConditionType>((rule?.condition.type as ConditionType) ?? 'run-failed');
  const [scopeKind, setScopeKind] = useState<'all' | 'category' | 'job'>(rule?.scope.job ? 'job' : rule?.scope.category ? 'category' : 'all');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [saving, setSaving] = useState(false);
  const channels = rule?.channels ?? [{ type: 'dashboard' as const }];
  const telegramChats = channels.flatMap((channel) => (channel.type === 'telegram' ? [String(channel.chatId)] : [])).join(', ');
  const webhook = channels.find((channel) => channel.type === 'webhook');
  const prefix = rule ? `rule-${rule.id}` : 'rule-new';

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? '').trim();
    const number = (name: string) => (text(name) === '' ? undefined : Number(text(name)));
    const chosenChannels: unknown[] = [];
    if (form.get('dashboard')) chosenChannels.push({ type: 'dashboard' });
    // Where each channel's errors belong: `channels.<index>.*` points back at the input it came from.
    const channelField: Record<number, string> = {};
    for (const chatId of text('telegram').split(',').map((chat) => chat.trim()).filter(Boolean)) {
      channelField[chosenChannels.length] = 'telegram';
      chosenChannels.push({ type: 'telegram', chatId });
    }
    if (text('webhook')) {
      channelField[chosenChannels.length] = 'webhook';
      chosenChannels.push({ type: 'webhook', url: text('webhook') });
    }
    const body = {
      name: text('name'),
      condition: { type, ...Object.fromEntries(conditionFields[type].map((field) => [field.name, number(field.name)])) },
      scope: scopeKind === 'job' ? { job: text('scopeJob') } : scopeKind === 'category' ? { category: text('scopeCategory') } : {},
      severity: text('severity'),
      channels: chosenChannels,
      cooldownMinutes: number('cooldownMinutes'),
      enabled: Boolean(form.get('enabled')),
    };
    const toFields = (fieldErrors: FieldErrors) =>
      Object.fromEntries(
        Object.entries(fieldErrors).map(([path, messages]) => {
          const channel = /^channels\.(\d+)/.exec(path);
          return [channel ? (channelField[Number(channel[1])] ?? 'channels') : path, messages];
        }),
      );
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
            defaultValue={(rule?.condition.type === type ? (rule.condition as unknown as Record<string, number>)[field.name] : undefined) ?? field.initial}
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
          <input name="telegram" defaultValue={telegramChats} className={inputClass} placeholder="-1001234567890" />
          <FieldError errors={errors} field="telegram" />
        </label>
        <label className="text-xs text-muted">
          Webhook URL (JSON POST)
          <input name="webhook" defaultValue={webhook?.type === 'webhook' ? webhook.url : ''} className={inputClass} placeholder="https://hooks.example.com/kickoff" />
          <FieldError errors={errors} field="webhook" />
        </label>
        <div className="md:col-span-3">
          <FieldError errors={errors} field="channels" />
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
