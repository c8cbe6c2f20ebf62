import type { RunStatus } from '../../lib/jobs/run-state.ts';

/**
 * The CLI's exit codes. Commands that wait for a run (`trigger --wait`, `retry --wait`,
 * `logs --follow`) end with the code of how the run ended; README ("CLI and client") lists them.
 */
export const exitCodes = {
  /** The command did what was asked; a waited-for run completed. */
  ok: 0,
  /** Kickoff could not be reached, refused the request (401, 404, 409, 422, 429 …), or the command line was wrong. */
  error: 1,
  failed: 2,
  cancelled: 3,
  skipped: 4,
  /** `--timeout` passed while the run was still queued, running or retrying. */
  timeout: 5,
} as const;

export function exitCodeForStatus(status: RunStatus): number {
  switch (status) {
    case 'completed':
      return exitCodes.ok;
    case 'failed':
      return exitCodes.failed;
    case 'cancelled':
      return exitCodes.cancelled;
    case 'skipped':
      return exitCodes.skipped;
    default:
      return exitCodes.timeout;
  }
}

export const exitCodesHelp = `
Exit codes:
  0  done; a waited-for run completed
  1  Kickoff could not be reached or refused the request, or the command line was wrong
  2  the run failed        3  the run was cancelled        4  the run was skipped
  5  --timeout passed before the run ended`;
