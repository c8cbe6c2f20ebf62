import { createServer } from 'node:net';

/** A port one of `npm start`'s processes will listen on, and the variable that moves it. */
export interface PortClaim {
  port: number;
  /** The address the process binds: `undefined` for every interface (as `next start` does). */
  host?: string;
  /** `PORT`, `UPSTREAM_PORT`. */
  variable: string;
  /** Who listens there, in words: "the web app", "the league simulator". */
  what: string;
  /** Another way out, said after the variable (e.g. UPSTREAM_URL for the simulator). */
  alternative?: string;
}

/** The error code of listening on the port (`EADDRINUSE`, `EACCES`), or null when it is free. */
export function portProblem(port: number, host?: string): Promise<string | null> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'unknown'));
    server.listen({ port, host }, () => server.close(() => resolve(null)));
  });
}

/** What to tell a person when the claim's port cannot be had. */
export function portMessage(claim: PortClaim, code = 'EADDRINUSE'): string {
  const fix = `set ${claim.variable} to a free port (e.g. ${claim.variable}=${claim.port + 1})${claim.alternative ? `, or ${claim.alternative}` : ''}`;
  if (code === 'EACCES') return `${claim.what} may not listen on port ${claim.port} (it needs privileges); ${fix}`;
  if (code === 'EADDRINUSE') return `port ${claim.port} is already in use, so ${claim.what} cannot listen on it (another Kickoff, or another server, holds it); ${fix}`;
  return `${claim.what} cannot listen on port ${claim.port} (${code}); ${fix}`;
}

/** Checks every claim before anything starts; one plain sentence per port that cannot be had. */
export async function checkPorts(claims: PortClaim[]): Promise<string[]> {
  const problems: string[] = [];
  for (const [index, claim] of claims.entries()) {
    const clash = claims.slice(0, index).find((other) => other.port === claim.port);
    if (clash) {
      problems.push(`${clash.variable} and ${claim.variable} are both ${claim.port}; ${clash.what} and ${claim.what} need a port each, so set one of them to another port`);
      continue;
    }
    const code = await portProblem(claim.port, claim.host);
    if (code) problems.push(portMessage(claim, code));
  }
  return problems;
}

/** Whether a listen error is one `portMessage` explains. */
export function isListenError(error: unknown): error is NodeJS.ErrnoException & { code: 'EADDRINUSE' | 'EACCES' } {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'EADDRINUSE' || code === 'EACCES';
}

/** `npm start`'s web app (`next start -p PORT`, every interface). */
export const webPortClaim = (port: number): PortClaim => ({ port, variable: 'PORT', what: 'the web app' });

/** The league simulator (scripts/upstream/server.ts, loopback only). */
export const simulatorPortClaim = (port: number): PortClaim => ({
  port,
  host: '127.0.0.1',
  variable: 'UPSTREAM_PORT',
  what: 'the league simulator',
  alternative: 'set UPSTREAM_URL to use an upstream that is already running',
});
