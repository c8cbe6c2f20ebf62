import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

const root = new URL('../..', import.meta.url).pathname;

export interface WorkerProcess {
  child: ChildProcess;
  workerId: string;
  /** Output lines so far, for failure messages. */
  output: string[];
}

/** Starts the fixture worker in its own process and waits until it takes work. */
export function startFixtureWorker(env: Record<string, string> = {}, timeoutMs = 60_000): Promise<WorkerProcess> {
  return startReadyProcess('scripts/test/fixtures/fixture-worker.ts', env, timeoutMs);
}

/** Starts the web app's alert watchdog (the entry instrumentation.ts runs) in a process of its own, without the rest of the web app. */
export function startWatchdogProcess(env: Record<string, string> = {}, timeoutMs = 30_000): Promise<WorkerProcess> {
  return startReadyProcess('scripts/test/fixtures/watchdog-process.ts', env, timeoutMs);
}

/** Starts a script that prints `ready <id>` once it is up. */
function startReadyProcess(script: string, env: Record<string, string>, timeoutMs: number): Promise<WorkerProcess> {
  // `node --import tsx` rather than the tsx CLI: signals must reach the worker itself, not a wrapper.
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  return new Promise((resolve, reject) => {
    // A process that is late is killed, so it cannot take work meant for the next test's workers.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} not ready in ${timeoutMs} ms:\n${output.join('\n')}`));
    }, timeoutMs);
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream! }).on('line', (line) => {
        output.push(line);
        const ready = /^ready (.+)$/.exec(line);
        if (ready) {
          clearTimeout(timer);
          resolve({ child, workerId: ready[1]!, output });
        }
      });
    }
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${code}:\n${output.join('\n')}`));
    });
  });
}

export async function stopWorker(worker: WorkerProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (worker.child.exitCode !== null || worker.child.signalCode !== null) return;
  const exited = new Promise((resolve) => worker.child.once('exit', resolve));
  worker.child.kill(signal);
  await exited;
}
