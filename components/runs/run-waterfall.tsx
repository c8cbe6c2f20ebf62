'use client';

import type { RunDetailDto, RunTryDto } from '@/lib/runs/run-dto.ts';
import { formatDuration } from '../ui/format.ts';
import { Time } from '../ui/time.tsx';

type Tone = 'wait' | 'run' | 'ok' | 'failed' | 'phase';

interface Bar {
  key: string;
  label: string;
  /** What the row says in words (the list alternative to the picture). */
  detail: string;
  from: number;
  to: number;
  tone: Tone;
  indent?: boolean;
  /** When it started (ISO), shown as a time. */
  at?: string;
}

const toneClass: Record<Tone, string> = {
  wait: 'bg-warning-line',
  run: 'bg-info-solid',
  ok: 'bg-success-solid',
  failed: 'bg-danger-solid',
  phase: 'bg-special-line',
};

const ms = (iso: string) => new Date(iso).getTime();

/** The bars of one run of the chain: its wait in the queue, each attempt, the waits between attempts, and (for the run shown) its phases. */
function barsOf(entry: RunTryDto, index: number, total: number, shown: RunDetailDto, now: number): Bar[] {
  const bars: Bar[] = [];
  const name = total > 1 ? `Run ${index + 1}${entry.id === shown.id ? ' (this run)' : ''}` : 'Run';
  const end = entry.finishedAt ? ms(entry.finishedAt) : now;
  const firstStart = entry.attempts[0]?.at ?? entry.startedAt;
  const queuedUntil = firstStart ? ms(firstStart) : end;
  bars.push({ key: `${entry.id}-queue`, label: `${name} · queued`, detail: `waited ${formatDuration(queuedUntil - ms(entry.queuedAt))} in the queue${firstStart ? '' : ` (${entry.status})`}`, from: ms(entry.queuedAt), to: queuedUntil, tone: 'wait', at: entry.queuedAt });
  entry.attempts.forEach((attempt, position) => {
    const attemptEnd = attempt.finishedAt ? ms(attempt.finishedAt) : entry.finishedAt ? end : now;
    const failed = Boolean(attempt.error);
    const tone: Tone = failed ? 'failed' : attempt.finishedAt || entry.finishedAt ? (entry.status === 'completed' ? 'ok' : entry.status === 'failed' || entry.status === 'cancelled' ? 'failed' : 'ok') : 'run';
    const outcome = failed ? `failed: ${attempt.error}` : attempt.finishedAt || entry.finishedAt ? entry.status : 'running';
    bars.push({
      key: `${entry.id}-attempt-${attempt.attempt}`,
      label: `${name} · attempt ${attempt.attempt}`,
      detail: `${formatDuration(attemptEnd - ms(attempt.at))}, ${outcome}`,
      from: ms(attempt.at),
      to: attemptEnd,
      tone,
      at: attempt.at,
    });
    if (entry.id === shown.id) {
      const phases = shown.events.filter((event) => event.kind === 'phase' && event.attempt === attempt.attempt);
      phases.forEach((event, at) => {
        const phaseEnd = phases[at + 1] ? ms(phases[at + 1]!.at) : attemptEnd;
        bars.push({ key: `phase-${event.id}`, label: event.message, detail: formatDuration(phaseEnd - ms(event.at)), from: ms(event.at), to: phaseEnd, tone: 'phase', indent: true, at: event.at });
      });
    }
    const next = entry.attempts[position + 1];
    if (next && attempt.finishedAt) {
      bars.push({ key: `${entry.id}-backoff-${attempt.attempt}`, label: `${name} · waiting to retry`, detail: `waited ${formatDuration(ms(next.at) - ms(attempt.finishedAt))} before attempt ${next.attempt}`, from: ms(attempt.finishedAt), to: ms(next.at), tone: 'wait', indent: true, at: attempt.finishedAt });
    }
  });
  return bars;
}

/**
 * A run's attempts and phases on one time axis, with the runs of its retry chain: where it
 * waited (in the queue, before a retry), how long each attempt and phase took, where it failed.
 * Every bar is also a row in words, so the list reads the same without the picture.
 */
export function RunWaterfall({ run, now }: { run: RunDetailDto; now: number }) {
  const tries = run.tries.length > 0 ? run.tries : [];
  const bars = tries.flatMap((entry, index) => barsOf(entry, index, tries.length, run, now));
  if (bars.length === 0) return <p className="px-4 py-6 text-sm text-muted">Not queued yet.</p>;
  const start = Math.min(...bars.map((bar) => bar.from));
  const end = Math.max(start + 1, ...bars.map((bar) => bar.to));
  const span = end - start;
  return (
    <div className="p-4">
      <div className="mb-1 flex justify-between pr-30 pl-[calc(40%+0.5rem)] text-[11px] text-muted tabular-nums" aria-hidden="true">
        <span>0</span>
        <span>{formatDuration(span / 2)}</span>
        <span>{formatDuration(span)}</span>
      </div>
      <ol aria-label="Waterfall of attempts and phases" className="space-y-1">
        {bars.map((bar) => {
          const left = ((bar.from - start) / span) * 100;
          const width = Math.max(0.5, ((bar.to - bar.from) / span) * 100);
          return (
            <li key={bar.key} data-bar={bar.tone} className="flex items-center gap-2 text-xs">
              <span className={`w-[40%] shrink-0 truncate ${bar.indent ? 'pl-4 text-muted' : 'font-medium'}`} title={`${bar.label}: ${bar.detail}`}>
                {bar.label}
                <span className="sr-only">
                  {' '}
                  — {bar.detail}, from <Time at={bar.at} />
                </span>
              </span>
              <span className="relative h-3 flex-1 rounded bg-surface-muted" aria-hidden="true">
                <span className={`absolute inset-y-0 rounded ${toneClass[bar.tone]}`} style={{ left: `${Math.min(left, 99.5)}%`, width: `${Math.min(width, 100 - Math.min(left, 99.5))}%` }} />
              </span>
              <span className={`w-28 shrink-0 truncate text-right tabular-nums ${bar.tone === 'failed' ? 'text-danger' : 'text-muted'}`} aria-hidden="true" title={bar.detail}>
                {bar.tone === 'failed' ? `✕ ${formatDuration(bar.to - bar.from)}` : formatDuration(bar.to - bar.from)}
              </span>
            </li>
          );
        })}
      </ol>
      <p className="mt-3 flex flex-wrap gap-3 text-[11px] text-muted" aria-hidden="true">
        {(
          [
            ['wait', 'waiting'],
            ['run', 'running'],
            ['ok', 'finished'],
            ['failed', 'failed'],
            ['phase', 'phase'],
          ] as const
        ).map(([tone, label]) => (
          <span key={tone} className="inline-flex items-center gap-1">
            <span className={`inline-block size-2.5 rounded-sm ${toneClass[tone]}`} />
            {label}
          </span>
        ))}
      </p>
    </div>
  );
}
