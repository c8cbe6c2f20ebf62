#!/usr/bin/env -S node --import tsx
/**
 * `npx kickoff …`: Kickoff from a terminal or a script, over the HTTP API with an API key
 * (KICKOFF_URL, KICKOFF_API_KEY). Built on lib/client/kickoff-client.ts; `--help` on every command.
 */
import { Command, Option } from 'commander';
import { defaultKickoffUrl, isFinalStatus, KickoffClient, KickoffWaitTimeoutError, type KickoffRunDetail, type KickoffRunEvent } from '../../lib/client/kickoff-client.ts';
import { runStatuses, runTriggers } from '../../lib/jobs/run-state.ts';
import { exitCodeForStatus, exitCodes, exitCodesHelp } from './exit-codes.ts';
import { explainError } from './explain-error.ts';
import { integerBetween, parsePayload, parseSince, positiveSeconds } from './option-parsers.ts';
import { eventLine, jobsTable, outcomeLine, progressLine, runDetails, runsTable } from './run-output.ts';

interface GlobalOptions {
  url: string;
  apiKey?: string;
}

interface WaitFlags {
  json?: boolean;
  /** No line per change of status, attempt, progress or phase. */
  quiet?: boolean;
  timeout?: number;
  interval: number;
}

const out = (text: string) => process.stdout.write(`${text}\n`);
const err = (text: string) => process.stderr.write(`${text}\n`);
/** Progress goes where it does not mix with what a script reads: stderr unless a person watches stdout. */
const progressWriter = (json: boolean | undefined) => (json || !process.stdout.isTTY ? err : out);

/** Runs a command with its client; an error becomes one plain message on stderr and exit code 1 (5 for --timeout). */
function withClient<A extends unknown[]>(run: (client: KickoffClient, ...args: A) => Promise<number>) {
  return async (...args: [...A, Command]) => {
    const command = args.at(-1) as Command;
    const globals = command.optsWithGlobals<GlobalOptions>();
    let client: KickoffClient;
    try {
      client = new KickoffClient({ url: globals.url, apiKey: globals.apiKey });
    } catch (error) {
      err(`kickoff: KICKOFF_URL (or --url): ${(error as Error).message}`);
      process.exitCode = exitCodes.error;
      return;
    }
    try {
      process.exitCode = await run(client, ...(args.slice(0, -1) as A));
    } catch (error) {
      err(`kickoff: ${explainError(error, { url: client.url, hasApiKey: client.hasApiKey })}`);
      process.exitCode = error instanceof KickoffWaitTimeoutError ? exitCodes.timeout : exitCodes.error;
    }
  };
}

/** Waits for a run to end, showing each change of it on one line (unless `quiet`), and resolves with the ended run. */
async function waitAndReport(client: KickoffClient, runId: string, flags: WaitFlags, onRun?: (run: KickoffRunDetail) => void): Promise<KickoffRunDetail> {
  const progress = progressWriter(flags.json);
  let lastLine = '';
  const stop = () => {
    err(`\nkickoff: stopped waiting; the run goes on (kickoff run ${runId}, kickoff cancel ${runId})`);
    process.exit(130);
  };
  process.once('SIGINT', stop);
  try {
    return await client.waitForRun(runId, {
      intervalMs: flags.interval * 1_000,
      timeoutMs: flags.timeout === undefined ? undefined : flags.timeout * 1_000,
      onProgress: (run) => {
        onRun?.(run);
        const line = progressLine(run);
        if (line !== lastLine && !flags.quiet && !isFinalStatus(run.status)) progress(line);
        lastLine = line;
      },
    });
  } finally {
    process.removeListener('SIGINT', stop);
  }
}

const jsonOption = () => new Option('--json', "print the API's JSON instead of text");
const waitOptions = (command: Command) =>
  command
    .addOption(new Option('--timeout <seconds>', 'with --wait: give up after this long (exit code 5)').argParser(positiveSeconds))
    .addOption(new Option('--interval <seconds>', 'with --wait: how often to ask').argParser(positiveSeconds).default(1));

function buildProgram(): Command {
  const program = new Command('kickoff')
    .description("Kickoff's jobs and runs from a terminal, over the HTTP API.")
    .addOption(new Option('--url <url>', "Kickoff's address").env('KICKOFF_URL').default(defaultKickoffUrl))
    .addOption(new Option('--api-key <key>', 'an API key (Settings → API keys, or BOOTSTRAP_API_KEY); prefer the variable, a flag shows in ps').env('KICKOFF_API_KEY'))
    .configureHelp({ showGlobalOptions: true })
    .showHelpAfterError('(add --help for usage)')
    .addHelpText(
      'after',
      `
Examples:
  export KICKOFF_URL=http://localhost:3000 KICKOFF_API_KEY=kk_…
  kickoff jobs
  kickoff trigger probe --payload '{"sleepMs":2000,"steps":4}' --wait
  kickoff runs --job probe --status failed --since 1h
  kickoff logs <run-id> --follow
${exitCodesHelp}`,
    );

  program
    .command('jobs')
    .description('list the jobs: schedule in words, enabled or paused, last run')
    .addOption(jsonOption())
    .action(
      withClient(async (client, options: { json?: boolean }) => {
        const jobs = await client.jobs();
        out(options.json ? JSON.stringify({ jobs }, null, 2) : jobsTable(jobs));
        return exitCodes.ok;
      }),
    );

  waitOptions(
    program
      .command('trigger')
      .description('queue a run of a job; with --wait, follow it to its end and exit with how it ended')
      .argument('<job>', 'the job name (kickoff jobs lists them)')
      .addOption(new Option('--payload <json|@file>', "the run's payload: JSON, @file.json, or @- for standard input").argParser(parsePayload))
      .option('--request-id <id>', 'idempotency key: the same id twice yields one run')
      .option('--source <label>', 'where the trigger comes from, shown with the run', 'cli')
      .option('--wait', 'wait for the run to end, showing its progress; the exit code says how it ended')
      .addOption(jsonOption()),
  )
    .addHelpText(
      'after',
      `
Examples:
  kickoff trigger probe
  kickoff trigger probe --payload '{"sleepMs":2000,"steps":4}' --request-id deploy-42 --wait
  kickoff trigger stats-update --payload @payload.json --wait --json > run.json
${exitCodesHelp}`,
    )
    .action(
      withClient(async (client, job: string, options: WaitFlags & { payload?: unknown; requestId?: string; source: string; wait?: boolean }) => {
        const result = await client.triggerUnchecked(job, options.payload, { requestId: options.requestId, source: options.source });
        const what = result.created ? `queued ${job} run ${result.runId}` : `request id ${options.requestId} was used before: ${job} run ${result.runId} (${result.status})`;
        if (!options.wait) {
          out(options.json ? JSON.stringify(result, null, 2) : what);
          return exitCodes.ok;
        }
        progressWriter(options.json)(what);
        const run = await waitAndReport(client, result.runId, options);
        out(options.json ? JSON.stringify({ run }, null, 2) : outcomeLine(run));
        return exitCodeForStatus(run.status);
      }),
    );

  program
    .command('runs')
    .description('list runs, newest first')
    .option('--job <name>', 'only this job')
    .addOption(new Option('--status <status>', 'only runs in this state').choices(runStatuses))
    .addOption(new Option('--trigger <trigger>', 'only runs made this way').choices(runTriggers))
    .addOption(new Option('--since <age|date>', 'only runs queued since: an age (30m, 2h, 7d) or a date (2025-05-01T12:00:00Z)').argParser((value) => parseSince(value)))
    .option('-q, --query <text>', 'a run id, a requestId, or a payload field (matchId=42)')
    .addOption(new Option('--limit <n>', 'how many (1–100)').argParser(integerBetween(1, 100)).default(20))
    .option('--cursor <cursor>', 'the next page (printed after a full page)')
    .addOption(jsonOption())
    .addHelpText('after', '\nExamples:\n  kickoff runs --job probe --status failed --since 24h\n  kickoff runs --json | jq -r \'.runs[].id\'')
    .action(
      withClient(async (client, options: { job?: string; status?: (typeof runStatuses)[number]; trigger?: string; since?: string; query?: string; limit: number; cursor?: string; json?: boolean }) => {
        const page = await client.runs({ job: options.job, status: options.status, trigger: options.trigger, since: options.since, q: options.query, limit: options.limit, cursor: options.cursor });
        if (options.json) {
          out(JSON.stringify(page, null, 2));
        } else {
          out(runsTable(page.runs));
          if (page.nextCursor) err(`more: add --cursor ${page.nextCursor}`);
        }
        return exitCodes.ok;
      }),
    );

  program
    .command('run')
    .description('show one run: status, attempts, payload, result, error')
    .argument('<id>', 'the run id')
    .addOption(jsonOption())
    .action(
      withClient(async (client, id: string, options: { json?: boolean }) => {
        const run = await client.run(id);
        out(options.json ? JSON.stringify({ run }, null, 2) : runDetails(run));
        return exitCodes.ok;
      }),
    );

  program
    .command('logs')
    .description("print a run's log lines; with --follow, as the run writes them, until it ends")
    .argument('<id>', 'the run id')
    .option('-f, --follow', 'keep printing new lines until the run ends; the exit code then says how it ended')
    .addOption(new Option('--interval <seconds>', 'with --follow: how often to ask').argParser(positiveSeconds).default(0.5))
    .addOption(new Option('--json', 'one JSON object per line (NDJSON)'))
    .addHelpText('after', `\nExamples:\n  kickoff logs <run-id>\n  kickoff logs <run-id> --follow --json | jq -r .message\n${exitCodesHelp}`)
    .action(
      withClient(async (client, id: string, options: { follow?: boolean; interval: number; json?: boolean }) => {
        let printed = -1n;
        const print = (events: KickoffRunEvent[]) => {
          for (const event of events) {
            if (BigInt(event.id) <= printed) continue;
            printed = BigInt(event.id);
            out(options.json ? JSON.stringify(event) : eventLine(event));
          }
        };
        if (!options.follow) {
          print((await client.run(id)).events);
          return exitCodes.ok;
        }
        const run = await waitAndReport(client, id, { quiet: true, interval: options.interval }, (current) => print(current.events));
        progressWriter(options.json)(outcomeLine(run));
        return exitCodeForStatus(run.status);
      }),
    );

  waitOptions(
    program
      .command('retry')
      .description('retry a failed or cancelled run as a new run; with --wait, follow the new run to its end')
      .argument('<id>', 'the run id')
      .option('--wait', 'wait for the new run to end; the exit code says how it ended')
      .addOption(jsonOption()),
  )
    .addHelpText('after', exitCodesHelp)
    .action(
      withClient(async (client, id: string, options: WaitFlags & { wait?: boolean }) => {
        const retry = await client.retry(id);
        const what = `retrying ${retry.jobName} run ${id} as run ${retry.id}`;
        if (!options.wait) {
          out(options.json ? JSON.stringify({ run: retry }, null, 2) : what);
          return exitCodes.ok;
        }
        progressWriter(options.json)(what);
        const run = await waitAndReport(client, retry.id, options);
        out(options.json ? JSON.stringify({ run }, null, 2) : outcomeLine(run));
        return exitCodeForStatus(run.status);
      }),
    );

  waitOptions(
    program
      .command('cancel')
      .description('cancel a queued, running or retrying run (a running one is aborted through its signal, on whichever worker holds it)')
      .argument('<id>', 'the run id')
      .option('--wait', 'wait until a running run has stopped; the exit code says how it ended (3 cancelled, 0 if it completed first)')
      .addOption(jsonOption()),
  )
    .addHelpText('after', exitCodesHelp)
    .action(
      withClient(async (client, id: string, options: WaitFlags & { wait?: boolean }) => {
        const cancelled = await client.cancel(id);
        const what =
          cancelled.status === 'cancelled'
            ? `cancelled ${cancelled.jobName} run ${id}`
            : `cancelling ${cancelled.jobName} run ${id}: it is ${cancelled.status}, and stops when its worker aborts it`;
        if (!options.wait) {
          out(options.json ? JSON.stringify({ run: cancelled }, null, 2) : what);
          return exitCodes.ok;
        }
        progressWriter(options.json)(what);
        const run = await waitAndReport(client, id, options);
        out(options.json ? JSON.stringify({ run }, null, 2) : outcomeLine(run));
        return exitCodeForStatus(run.status);
      }),
    );

  return program;
}

// `kickoff runs --json | head -1`: a reader that stops early is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(process.exitCode ?? 0);
});
await buildProgram().parseAsync(process.argv);
