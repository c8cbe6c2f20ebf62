import { UnrecoverableError } from 'bullmq';
import { db, type Prisma } from '@/lib/db.ts';
import { prizePoolFinalizationJob } from '@/lib/jobs/definitions/league/prize-pool-finalization.ts';
import { defineHandler } from '../../define-handler.ts';
import { tally } from './entry-loop.ts';
import { dayMs, isoDay, startOfUtcDay } from './utc-days.ts';

/**
 * Handler of prize-pool-finalization (lib/jobs/definitions/league/prize-pool-finalization.ts).
 * It reads only our own tables: no upstream calls.
 */

type PeriodKind = 'daily' | 'weekly';
interface Period {
  period: PeriodKind;
  /** The first day, midnight UTC (PrizePool.periodStart). */
  start: Date;
  /** Midnight UTC after the last day (exclusive). */
  end: Date;
}

/** The periods a run for `day` closes: the day, and the seven days ending with it when the next day is `weeklyOn`. */
export function periodsClosedOn(day: Date, weeklyOn: number): Period[] {
  const next = new Date(day.getTime() + dayMs);
  const periods: Period[] = [{ period: 'daily', start: day, end: next }];
  if (next.getUTCDay() === weeklyOn) periods.push({ period: 'weekly', start: new Date(next.getTime() - 7 * dayMs), end: next });
  return periods;
}

type Finalisation = 'finalised' | 'no_activity' | 'unchanged';

/**
 * One league's prize for one period: the member with the most points in the gameweeks that
 * belong to it (ties: the lower entry id), or no_activity when no member scored. A gameweek
 * belongs to the period its deadline falls in: the points are that gameweek's whenever a job
 * wrote or wrote again the row (its `updatedAt` says only that), so a final row fetched again
 * later moves no points into another period. A period already decided is left as is; a failed
 * one is decided again.
 */
async function finalise(tx: Prisma.TransactionClient, leagueId: number, { period, start, end }: Period): Promise<Finalisation> {
  const key = { leagueId_period_periodStart: { leagueId, period, periodStart: start } };
  const existing = await tx.prizePool.findUnique({ where: key, select: { status: true } });
  if (existing && existing.status !== 'failed') return 'unchanged';
  const totals = await tx.entryEventHistory.groupBy({
    by: ['entryId'],
    where: { event: { deadlineTime: { gte: start, lt: end } }, entry: { leagueStandings: { some: { leagueId } } } },
    _sum: { points: true },
  });
  const ranked = totals.map((row) => ({ entryId: row.entryId, points: row._sum.points ?? 0 })).sort((a, b) => b.points - a.points || a.entryId - b.entryId);
  const winner = ranked[0] && ranked[0].points > 0 ? ranked[0] : undefined;
  const decided = {
    status: winner ? 'finalised' : 'no_activity',
    winnerEntryId: winner?.entryId ?? null,
    winnerPoints: winner?.points ?? null,
    entries: ranked.length,
    error: null,
    finalisedAt: new Date(),
  } as const;
  if (existing) await tx.prizePool.update({ where: key, data: decided });
  else if ((await tx.prizePool.createMany({ data: [{ leagueId, period, periodStart: start, ...decided }], skipDuplicates: true })).count === 0) return 'unchanged';
  return decided.status;
}

/** Records that a league's periods could not be decided (a period decided before stays as it is). */
async function recordFailure(leagueId: number, periods: readonly Period[], message: string): Promise<void> {
  await db().$transaction(async (tx) => {
    for (const { period, start } of periods) {
      await tx.prizePool.createMany({ data: [{ leagueId, period, periodStart: start, status: 'failed', error: message }], skipDuplicates: true });
      await tx.prizePool.updateMany({ where: { leagueId, period, periodStart: start, status: 'failed' }, data: { error: message, finalisedAt: new Date() } });
    }
  });
}

export const prizePoolFinalizationHandler = defineHandler(prizePoolFinalizationJob, async (ctx) => {
  const day = ctx.payload.date ? new Date(`${ctx.payload.date}T00:00:00Z`) : new Date(startOfUtcDay(new Date()).getTime() - dayMs);
  // A day still going would be finalised on part of its points, and never again (idempotent).
  if (day.getTime() + dayMs > Date.now()) throw new UnrecoverableError(`${isoDay(day)} is not over yet (UTC); only a past day can be finalised`);
  const periods = periodsClosedOn(day, ctx.config.weeklyOn);
  const counts = tally(ctx, ['finalised', 'noActivity', 'unchanged', 'failed']);
  const errors: { leagueId: number; message: string }[] = [];
  const leagues = await db().league.findMany({ select: { id: true }, orderBy: { id: 'asc' } });
  ctx.log(`closing ${periods.map((p) => `${p.period} ${isoDay(p.start)}`).join(' and ')} for ${leagues.length} leagues`);

  await ctx.phase('finalise', async () => {
    for (const [index, { id: leagueId }] of leagues.entries()) {
      ctx.signal.throwIfAborted();
      try {
        const outcomes = await db().$transaction(async (tx) => {
          const decided: Finalisation[] = [];
          for (const period of periods) decided.push(await finalise(tx, leagueId, period));
          return decided;
        });
        for (const outcome of outcomes) counts.add(outcome === 'finalised' ? 'finalised' : outcome === 'no_activity' ? 'noActivity' : 'unchanged');
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        ctx.log(`league ${leagueId}: ${message}`);
        counts.add('failed', periods.length);
        try {
          await recordFailure(leagueId, periods, message);
          errors.push({ leagueId, message });
        } catch (recordError) {
          errors.push({ leagueId, message: `${message} (and the failure could not be recorded: ${recordError instanceof Error ? recordError.message : String(recordError)})` });
        }
      }
      ctx.progress(Math.round(((index + 1) / leagues.length) * 100));
    }
  });

  // When no league could be decided, something beyond one league is wrong: fail, so the run is retried.
  if (leagues.length > 0 && errors.length === leagues.length) throw new Error(`No league could be finalised; the first error: ${errors[0]!.message}`);
  const t = counts.totals;
  return {
    date: isoDay(day),
    periods: periods.map((p) => ({ period: p.period, start: isoDay(p.start) })),
    processed: leagues.length,
    created: t.finalised + t.noActivity + t.failed,
    ...t,
    errors,
    apiRequests: 0,
  };
});

/** At most this many problems are listed on the run; all are counted. */
