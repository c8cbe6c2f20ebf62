'use client';

import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { FireOutcome, ScheduleAheadDto, ScheduledJobDto } from '@/lib/data/schedule-ahead.ts';
import { apiFetch } from '../api-client.ts';
import { Tag } from '../ui/badge.tsx';
import { Button } from '../ui/button.tsx';
import { ErrorNote, LoadingRows, Panel } from '../ui/panel.tsx';

const hours = 24;

const outcomeWords: Record<FireOutcome, string> = {
  runs: 'runs',
  'window-closed': 'skipped: window closed',
  paused: 'skipped: paused',
  disabled: 'skipped: disabled',
};

/** The look of a fire's mark: a filled mark runs, a hollow one is a predicted skip (not colour alone). */
const markClass: Record<FireOutcome, string> = {
  runs: 'bg-primary',
  'window-closed': 'bg-surface ring-1 ring-inset ring-warning-solid',
  paused: 'bg-surface ring-1 ring-inset ring-neutral-solid',
  disabled: 'bg-surface ring-1 ring-inset ring-neutral-solid',
};

/** A time in the browser's zone: `03:00` today, `Wed 03:00` on another day. */
function clock(iso: string, now = new Date()): string {
  const date = new Date(iso);
  const time = date.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });
  return date.toDateString() === now.toDateString() ? time : `${date.toLocaleDateString('en-GB', { weekday: 'short' })} ${time}`;
}

function spanWords(span: ScheduledJobDto['spans'][number]): string {
  const when = span.fires === 1 ? clock(span.from) : `${clock(span.from)} – ${clock(span.to)} (${span.fires} fires)`;
  return `${when}: ${outcomeWords[span.outcome]}`;
}

/** One line per job for a screen reader: how many fires, how many run, the first one. */
function summary(job: ScheduledJobDto): string {
  const runs = job.spans.filter((span) => span.outcome === 'runs').reduce((sum, span) => sum + span.fires, 0);
  const skipped = job.totalFires - runs;
  const first = job.spans[0];
  return [
    `${job.name}: ${job.totalFires}${job.truncated ? '+' : ''} ${job.totalFires === 1 ? 'fire' : 'fires'} in the next ${hours} hours`,
    `${runs} predicted to run`,
    skipped > 0 ? `${skipped} predicted skipped` : null,
    first ? `first ${clock(first.from)}` : null,
    job.window ? `window hours ${job.window.hours} (${job.window.tz})` : null,
  ]
    .filter(Boolean)
    .join(', ');
}

/**
 * The next 24 hours of every scheduled job on one time axis: its fires (a filled mark runs,
 * a hollow one is predicted to be skipped), its window's open hours shaded, disabled and
 * paused jobs marked; and the same as a list.
 */
export function ScheduleView() {
  const [view, setView] = useState<'timeline' | 'list'>('timeline');
  const schedule = useQuery({
    queryKey: ['schedule', hours],
    queryFn: () => apiFetch<ScheduleAheadDto>(`/api/schedule?hours=${hours}`),
    refetchInterval: 60_000,
  });
  return (
    <Panel
      title={`The next ${hours} hours`}
      id="schedule-ahead"
      actions={
        <div role="group" aria-label="Show the schedule as" className="flex gap-1">
          <Button size="sm" aria-pressed={view === 'timeline'} variant={view === 'timeline' ? 'primary' : 'secondary'} onClick={() => setView('timeline')}>
            Timeline
          </Button>
          <Button size="sm" aria-pressed={view === 'list'} variant={view === 'list' ? 'primary' : 'secondary'} onClick={() => setView('list')}>
            List
          </Button>
        </div>
      }
    >
      {schedule.error && !schedule.data ? (
        <ErrorNote what="the schedule" error={schedule.error} />
      ) : !schedule.data ? (
        <LoadingRows label="Loading the schedule" rows={4} />
      ) : view === 'timeline' ? (
        <Timeline data={schedule.data} />
      ) : (
        <ScheduleList data={schedule.data} />
      )}
    </Panel>
  );
}

function JobMarks({ job }: { job: ScheduledJobDto }) {
  return (
    <>
      {!job.enabled ? <Tag>disabled</Tag> : null}
      {job.pausedUntil ? <Tag tone="warning">paused until {clock(job.pausedUntil)}</Tag> : null}
    </>
  );
}

function Timeline({ data }: { data: ScheduleAheadDto }) {
  const from = new Date(data.from).getTime();
  const span = new Date(data.to).getTime() - from;
  const left = (iso: string) => `${(((new Date(iso).getTime() - from) / span) * 100).toFixed(3)}%`;
  const width = (start: string, end: string) => `${Math.max(((new Date(end).getTime() - new Date(start).getTime()) / span) * 100, 0.25).toFixed(3)}%`;
  // Hour lines every three hours, on the browser’s whole hours (none so close to the end that its label would overflow).
  const firstHour = Math.ceil(from / 3_600_000) * 3_600_000;
  const ticks = Array.from({ length: hours + 1 }, (_, index) => firstHour + index * 3_600_000).filter((at) => at < from + span * 0.97 && new Date(at).getHours() % 3 === 0);
  return (
    <div className="p-4">
      <div className="mb-3 flex flex-wrap items-center gap-4 text-xs text-muted" aria-hidden="true">
        <span className="flex items-center gap-1.5">
          <span className="inline-block h-3 w-1 rounded-sm bg-primary" /> runs
        </span>
        <span className="flex items-center gap-1.5">
          <span className="inline-block h-3 w-1 rounded-sm ring-1 ring-inset ring-warning-solid" /> predicted skip (window closed)
        </span>
        <span className="flex items-center gap-1.5">
          <span className="inline-block h-3 w-1 rounded-sm ring-1 ring-inset ring-neutral-solid" /> skipped (disabled or paused)
        </span>
        <span className="flex items-center gap-1.5">
          <span className="inline-block h-3 w-4 rounded-sm bg-success-soft ring-1 ring-inset ring-success-line" /> window open
        </span>
        <span>Times are your browser’s.</span>
      </div>
      <div className="grid grid-cols-[minmax(8rem,14rem)_1fr] gap-x-3">
        <div />
        <div className="relative h-5 text-xs text-muted" aria-hidden="true">
          {ticks.map((at) => (
            <span key={at} className="absolute -translate-x-1/2 tabular-nums" style={{ left: left(new Date(at).toISOString()) }}>
              {new Date(at).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' })}
            </span>
          ))}
        </div>
        {data.jobs.map((job) => (
          <div key={job.name} className="contents" data-schedule-job={job.name}>
            <div className={`flex min-w-0 items-center gap-1.5 border-t border-line py-1.5 text-xs ${job.enabled ? '' : 'text-muted'}`}>
              <span className="truncate font-medium" title={`${job.name} · ${job.words}`}>
                {job.name}
              </span>
              <JobMarks job={job} />
            </div>
            <div role="img" aria-label={summary(job)} className="relative h-7 border-t border-line">
              {ticks.map((at) => (
                <span key={at} className="absolute inset-y-0 w-px bg-line" style={{ left: left(new Date(at).toISOString()) }} />
              ))}
              {job.windowOpen.map((open) => (
                <span key={open.from} className="absolute inset-y-1 bg-success-soft ring-1 ring-inset ring-success-line" style={{ left: left(open.from), width: width(open.from, open.to) }} />
              ))}
              {job.fires.length > 0
                ? job.fires.map((fire) => (
                    <span
                      key={fire.at}
                      data-outcome={fire.outcome}
                      title={`${clock(fire.at)}: ${outcomeWords[fire.outcome]}`}
                      className={`absolute inset-y-1.5 w-1 -translate-x-1/2 rounded-sm ${markClass[fire.outcome]}`}
                      style={{ left: left(fire.at) }}
                    />
                  ))
                : job.spans.map((part) => (
                    <span
                      key={part.from}
                      data-outcome={part.outcome}
                      title={spanWords(part)}
                      className={`absolute inset-y-2.5 rounded-sm ${markClass[part.outcome]}`}
                      style={{ left: left(part.from), width: width(part.from, part.to) }}
                    />
                  ))}
            </div>
          </div>
        ))}
      </div>
    </div>
  );
}

function ScheduleList({ data }: { data: ScheduleAheadDto }) {
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-sm">
        <caption className="sr-only">Every scheduled job’s fires in the next {hours} hours, in your browser’s time</caption>
        <thead className="bg-surface-muted text-left text-xs text-muted">
          <tr>
            <th scope="col" className="px-4 py-2 font-medium">
              Job
            </th>
            <th scope="col" className="px-4 py-2 font-medium">
              Schedule
            </th>
            <th scope="col" className="px-4 py-2 font-medium">
              Fires
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-line">
          {data.jobs.map((job) => (
            <tr key={job.name} data-schedule-job={job.name} className="align-top">
              <th scope="row" className="px-4 py-2 text-left font-medium">
                <div className="flex flex-wrap items-center gap-1.5">
                  {job.name}
                  <JobMarks job={job} />
                </div>
              </th>
              <td className="px-4 py-2 text-muted">
                {job.words}
                {job.window ? (
                  <div>
                    window: hours {job.window.hours} ({job.window.tz})
                  </div>
                ) : null}
              </td>
              <td className="px-4 py-2">
                {job.spans.length === 0 ? (
                  <span className="text-muted">No fire in the next {hours} hours</span>
                ) : (
                  <ul className="space-y-0.5">
                    {job.spans.map((part) => (
                      <li key={part.from} data-outcome={part.outcome} className={part.outcome === 'runs' ? '' : 'text-muted'}>
                        {spanWords(part)}
                      </li>
                    ))}
                    {job.truncated ? <li className="text-muted">and more</li> : null}
                  </ul>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
