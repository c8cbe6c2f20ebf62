import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createInterface } from 'node:readline';

const colors = { web: 36, worker: 35, upstream: 33, build: 34 } as Record<string, number>;

/**
 * Starts a child process whose output lines are prefixed with its label (`[web] …`). The
 * child gets its own process group, so a Ctrl-C in the terminal reaches only the parent,
 * which then stops its children once and in order (a worker hit by two signals would give
 * up its active runs at once).
 */
export function startLabelled(label: string, command: string, args: string[], options: SpawnOptions = {}, onLine?: (line: string) => void): ChildProcess {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true, ...options });
  // Children must not outlive the parent, even when it exits on an error.
  process.once('exit', () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  });
  const color = colors[label] ?? 37;
  const prefix = process.stdout.isTTY ? `\x1b[${color}m[${label}]\x1b[0m ` : `[${label}] `;
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    createInterface({ input: stream }).on('line', (line) => {
      process.stdout.write(`${prefix}${line}\n`);
      onLine?.(line);
    });
  }
  return child;
}

/** Resolves with the exit code (or signal) when the child ends. */
export function exited(child: ChildProcess): Promise<number> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1))));
}

/** Sends SIGTERM, then SIGKILL after `graceMs` if the child is still there. */
export async function stopChild(child: ChildProcess, graceMs = 35_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited(child);
  clearTimeout(timer);
}

/** Runs a command to completion with labelled output; rejects on a non-zero exit. */
export async function run(label: string, command: string, args: string[], options: SpawnOptions = {}): Promise<void> {
  const code = await exited(startLabelled(label, command, args, options));
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} exited with code ${code}`);
}
