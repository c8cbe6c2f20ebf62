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
export function startFixtureWorker(env: Record<string, string> = {}, timeoutMs = 30_000): Promise<WorkerProcess> {
  // `node --import tsx` rather than the tsx CLI: signals must reach the worker itself, not a wrapper.
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/test/fixtures/fixture-worker.ts'], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`fixture worker not ready in ${timeoutMs} ms:\n${output.join('\n')}`)), timeoutMs);
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
      reject(new Error(`fixture worker exited with ${code}:\n${output.join('\n')}`));
    });
  });
}

export async function stopWorker(worker: WorkerProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (worker.child.exitCode !== null || worker.child.signalCode !== null) return;
  const exited = new Promise((resolve) => worker.child.once('exit', resolve));
  worker.child.kill(signal);
  await exited;
}
