import { z } from 'zod';

/**
 * What Kickoff reads from the fantasy-football upstream (the shape of the public Fantasy
 * Premier League API; scripts/upstream/ simulates it). Each schema picks only the fields the
 * league models need: z.object strips every other key, so the upstream may add fields freely
 * but a missing or mistyped field we use fails the response (UpstreamError invalid_response).
 * Values stay as sent (snake_case, ISO strings, decimal strings); lib/league/league-data.ts
 * maps them to rows.
 */

const id = z.int().min(1);
const count = z.int().min(0);
/** An ISO 8601 date-time with `Z` or an offset, e.g. `2026-08-22T11:00:00Z`. */
const isoDateTime = z.iso.datetime({ offset: true });
/** A decimal number sent as a string, e.g. `"4.5"`. */
const decimalString = z.string().regex(/^-?\d+(\.\d+)?$/, 'expected a decimal number as a string');

export const upstreamEventSchema = z.object({
  id,
  name: z.string(),
  deadline_time: isoDateTime,
  is_previous: z.boolean(),
  is_current: z.boolean(),
  is_next: z.boolean(),
  finished: z.boolean(),
  data_checked: z.boolean(),
  average_entry_score: z.int().nullable(),
  highest_score: z.int().nullable(),
});

export const upstreamPhaseSchema = z.object({
  id,
  name: z.string(),
  start_event: id,
  stop_event: id,
});

export const upstreamTeamSchema = z.object({
  id,
  name: z.string(),
  short_name: z.string(),
  strength: z.int(),
});

/** A footballer; the upstream calls them elements. */
export const upstreamElementSchema = z.object({
  id,
  web_name: z.string(),
  first_name: z.string(),
  second_name: z.string(),
  team: id,
  element_type: z.int().min(1).max(4),
  now_cost: count,
  total_points: z.int(),
  form: decimalString,
  selected_by_percent: decimalString,
  status: z.string(),
});

/** GET /api/bootstrap-static/ */
export const bootstrapStaticSchema = z.object({
  events: z.array(upstreamEventSchema),
  phases: z.array(upstreamPhaseSchema),
  teams: z.array(upstreamTeamSchema),
  elements: z.array(upstreamElementSchema),
});

export const upstreamFixtureSchema = z.object({
  id,
  event: id,
  team_h: id,
  team_a: id,
  kickoff_time: isoDateTime.nullable(),
  started: z.boolean(),
  finished: z.boolean(),
  finished_provisional: z.boolean(),
  minutes: count,
  team_h_score: count.nullable(),
  team_a_score: count.nullable(),
});

/** GET /api/fixtures/?event=N */
export const fixturesSchema = z.array(upstreamFixtureSchema);

export const upstreamLiveStatsSchema = z.object({
  minutes: count,
  goals_scored: count,
  assists: count,
  clean_sheets: count,
  bonus: count,
  total_points: z.int(),
});

/** GET /api/event/N/live/ */
export const eventLiveSchema = z.object({
  elements: z.array(z.object({ id, stats: upstreamLiveStatsSchema })),
});

/** GET /api/entry/N/ */
export const entrySchema = z.object({
  id,
  name: z.string(),
  player_first_name: z.string(),
  player_last_name: z.string(),
  started_event: id,
  summary_overall_points: z.int(),
  summary_overall_rank: z.int().nullable(),
  summary_event_points: z.int().nullable(),
  /** The classic leagues the entry is in, for finding leagues to follow. */
  leagues: z.object({ classic: z.array(z.object({ id, name: z.string() })) }),
});

export const upstreamHistoryRowSchema = z.object({
  event: id,
  points: z.int(),
  total_points: z.int(),
  rank: z.int().nullable(),
  overall_rank: z.int().nullable(),
  event_transfers: count,
  event_transfers_cost: count,
  value: z.int(),
  bank: z.int(),
  points_on_bench: z.int(),
});

/** GET /api/entry/N/history/ (only this season's rows, `current`). */
export const entryHistorySchema = z.object({
  current: z.array(upstreamHistoryRowSchema),
});

export const upstreamStandingRowSchema = z.object({
  entry: id,
  entry_name: z.string(),
  player_name: z.string(),
  rank: count,
  last_rank: count,
  total: z.int(),
  event_total: z.int(),
});

/** GET /api/leagues-classic/N/standings/?page_standings=P (50 rows a page). */
export const leagueStandingsSchema = z.object({
  league: z.object({ id, name: z.string(), created: isoDateTime.nullable() }),
  standings: z.object({
    has_next: z.boolean(),
    page: id,
    results: z.array(upstreamStandingRowSchema),
  }),
});

export type UpstreamEvent = z.infer<typeof upstreamEventSchema>;
export type UpstreamPhase = z.infer<typeof upstreamPhaseSchema>;
export type UpstreamTeam = z.infer<typeof upstreamTeamSchema>;
export type UpstreamElement = z.infer<typeof upstreamElementSchema>;
export type BootstrapStatic = z.infer<typeof bootstrapStaticSchema>;
export type UpstreamFixture = z.infer<typeof upstreamFixtureSchema>;
export type Fixtures = z.infer<typeof fixturesSchema>;
export type UpstreamLiveStats = z.infer<typeof upstreamLiveStatsSchema>;
export type EventLive = z.infer<typeof eventLiveSchema>;
export type UpstreamLiveElement = EventLive['elements'][number];
export type UpstreamEntry = z.infer<typeof entrySchema>;
export type UpstreamHistoryRow = z.infer<typeof upstreamHistoryRowSchema>;
export type EntryHistory = z.infer<typeof entryHistorySchema>;
export type UpstreamStandingRow = z.infer<typeof upstreamStandingRowSchema>;
export type LeagueStandings = z.infer<typeof leagueStandingsSchema>;
