import { createServer, type Server } from 'node:http';
import { lookup as systemLookup } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guardedFetch, OutboundError, refusedMessage } from './guarded-fetch.ts';
import { openInternetOnly, outboundPolicy, outboundUrlProblem } from './outbound-policy.ts';

/** A listener on loopback that must never be reached through the guard. */
const hits: string[] = [];
let internal: Server;
let internalPort = 0;
/** Answers 302 to the internal listener: the guard must not follow it. */
let redirector: Server;
let redirectorPort = 0;

const listen = async (server: Server, host = '127.0.0.1') => {
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return (server.address() as { port: number }).port;
};

beforeAll(async () => {
  internal = createServer((request, response) => {
    hits.push(`${request.method} ${request.url}`);
    response.end('reset done');
  });
  internalPort = await listen(internal);
  redirector = createServer((_request, response) => {
    response.writeHead(302, { location: `http://127.0.0.1:${internalPort}/admin/reset` });
    response.end();
  });
  redirectorPort = await listen(redirector);
});

afterAll(async () => {
  internal.closeAllConnections();
  redirector.closeAllConnections();
  await Promise.all([new Promise((resolve) => internal.close(resolve)), new Promise((resolve) => redirector.close(resolve))]);
});

/** DNS as an attacker's name server would answer: every name here points inside (`localhost` is the system's). */
const names: Record<string, { address: string; family: 4 | 6 }> = {
  'loopback.attacker.test': { address: '127.0.0.1', family: 4 },
  'private.attacker.test': { address: '10.1.2.3', family: 4 },
  'metadata.attacker.test': { address: '169.254.169.254', family: 4 },
  'v6-loopback.attacker.test': { address: '::1', family: 6 },
  'mapped.attacker.test': { address: '::ffff:127.0.0.1', family: 6 },
  'ula.attacker.test': { address: 'fd12:3456::1', family: 6 },
  'hooks.internal.test': { address: '127.0.0.1', family: 4 },
};
const attackerDns = ((hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
  if (hostname === 'localhost') return systemLookup(hostname, options, callback as never);
  const answer = names[hostname];
  if (!answer) return callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }));
  if (options.all) return callback(null, [answer]);
  return callback(null, answer.address, answer.family);
}) as unknown as LookupFunction;

const post = (url: string, policy = openInternetOnly, timeoutMs = 3_000) =>
  guardedFetch(url, { body: '{"reset":true}', headers: { 'content-type': 'application/json' }, timeoutMs, policy, lookup: attackerDns });

const refusal = async (url: string) => {
  const error = await post(url).then(() => null, (caught: unknown) => caught);
  expect(error, url).toBeInstanceOf(OutboundError);
  return error as OutboundError;
};

describe('guardedFetch', () => {
  it('refuses every internal address, in every notation, before connecting', async () => {
    const port = internalPort;
    const targets = [
      `http://127.0.0.1:${port}/admin/reset`,
      `http://2130706433:${port}/admin/reset`, // decimal
      `http://0x7f000001:${port}/admin/reset`, // hex
      `http://0177.0.0.1:${port}/admin/reset`, // octal
      `http://127.1:${port}/admin/reset`, // short
      `http://0x7f.1:${port}/admin/reset`,
      `http://[::1]:${port}/admin/reset`,
      `http://[::ffff:127.0.0.1]:${port}/admin/reset`, // IPv4-mapped
      `http://[::ffff:7f00:1]:${port}/admin/reset`,
      `http://[0:0:0:0:0:ffff:127.0.0.1]:${port}/admin/reset`,
      `http://0.0.0.0:${port}/admin/reset`,
      `http://[::]:${port}/admin/reset`,
      `http://10.0.0.1:${port}/`,
      `http://172.16.5.4:${port}/`,
      `http://192.168.1.1:${port}/`,
      `http://169.254.169.254/latest/meta-data/`, // link-local (cloud metadata)
      `http://100.64.0.1:${port}/`, // CGNAT
      `http://224.0.0.1:${port}/`, // multicast
      `http://192.0.2.10:${port}/`, // documentation
      `http://198.18.0.1:${port}/`, // benchmarking
      `http://[fe80::1]:${port}/`,
      `http://[fd00::1]:${port}/`,
      `http://[64:ff9b::7f00:1]:${port}/`, // NAT64 of 127.0.0.1
      `http://[2002:7f00:1::]:${port}/`, // 6to4 of 127.0.0.1
      `https://127.0.0.1:${port}/`,
      // names that resolve inside: the system's `localhost`, and an attacker's DNS
      `http://localhost:${port}/admin/reset`,
      `http://loopback.attacker.test:${port}/admin/reset`,
      `http://private.attacker.test:${port}/`,
      `http://metadata.attacker.test/latest/meta-data/`,
      `http://v6-loopback.attacker.test:${port}/admin/reset`,
      `http://mapped.attacker.test:${port}/admin/reset`,
      `http://ula.attacker.test:${port}/`,
    ];
    for (const url of targets) {
      const error = await refusal(url);
      expect(error.kind, url).toBe('refused');
      expect(error.message, url).toBe(refusedMessage);
    }
    expect(hits).toEqual([]);
  });

  it('refuses other schemes and credentials in the URL', async () => {
    for (const url of ['ftp://example.com/', 'file:///etc/passwd', 'gopher://example.com/', `http://user:secret@127.0.0.1:${internalPort}/`, 'https://token@example.com/hook']) {
      expect((await refusal(url)).kind, url).toBe('refused');
    }
    expect(hits).toEqual([]);
  });

  it('does not follow a redirect to an internal address', async () => {
    const policy = outboundPolicy(['hooks.internal.test']);
    const error = await post(`http://hooks.internal.test:${redirectorPort}/hook`, policy).then(() => null, (caught: unknown) => caught as OutboundError);
    expect(error?.kind).toBe('status');
    expect(error?.message).toBe('not delivered: the host answered 302; redirects are not followed');
    expect(hits).toEqual([]);
  });

  it('delivers to a host on the allow-list, by name and by address', async () => {
    expect(await post(`http://hooks.internal.test:${internalPort}/hook`, outboundPolicy(['hooks.internal.test']))).toEqual({ status: 200 });
    expect(await post(`http://127.0.0.1:${internalPort}/hook`, outboundPolicy(['127.0.0.1']))).toEqual({ status: 200 });
    expect(hits).toEqual(['POST /hook', 'POST /hook']);
    hits.length = 0;
    // Allowing one name allows only that name.
    expect((await post(`http://loopback.attacker.test:${internalPort}/`, outboundPolicy(['hooks.internal.test'])).catch((error: OutboundError) => error)) as OutboundError).toMatchObject({ kind: 'refused' });
    expect(hits).toEqual([]);
  });

  it('says the same when a port is closed, when nothing answers, and when the name does not exist', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const probe = createServer();
      probe.listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const silent = createServer(() => {}); // accepts, never answers
    const silentPort = await listen(silent);
    const policy = outboundPolicy(['hooks.internal.test']);
    try {
      const messages = await Promise.all(
        [`http://hooks.internal.test:${closedPort}/`, `http://hooks.internal.test:${silentPort}/`, 'http://nowhere.attacker.test/'].map((url) =>
          post(url, policy, 1_000).then(() => null, (error: OutboundError) => [error.kind, error.message]),
        ),
      );
      expect(messages[0]).toEqual(['unreachable', 'not delivered: the host could not be reached or did not answer within 1 s']);
      expect(messages[1]).toEqual(messages[0]);
      expect(messages[2]).toEqual(messages[0]);
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });
});

describe('outboundUrlProblem (save time)', () => {
  it('refuses schemes, credentials and literal internal addresses in any notation; leaves names to connect time', () => {
    const none = openInternetOnly;
    expect(outboundUrlProblem('https://hooks.example.com/kickoff', none)).toBeNull();
    expect(outboundUrlProblem('http://93.184.216.34/hook', none)).toBeNull();
    expect(outboundUrlProblem('http://[2606:4700::1111]/hook', none)).toBeNull();
    expect(outboundUrlProblem('ftp://example.com/', none)).toBe('an http(s) URL');
    expect(outboundUrlProblem('javascript:alert(1)', none)).toBe('an http(s) URL');
    expect(outboundUrlProblem('https://user:pw@example.com/', none)).toMatch(/^no user name or password/);
    for (const host of ['127.0.0.1', '2130706433', '0x7f000001', '0177.0.0.1', '127.1', '[::1]', '[::ffff:127.0.0.1]', '10.0.0.1', '169.254.169.254', '100.64.0.1', '[fd00::1]', '[fe80::1]', '0.0.0.0', '192.0.2.1']) {
      expect(outboundUrlProblem(`http://${host}:8080/x`, none), host).toMatch(/is a private or reserved address/);
    }
    expect(outboundUrlProblem('http://localhost:3100/admin/reset', none)).toMatch(/is this machine/);
    expect(outboundUrlProblem('http://api.localhost/', none)).toMatch(/is this machine/);
    expect(outboundUrlProblem('http://10.0.0.5/hook', outboundPolicy(['10.0.0.5']))).toBeNull();
    expect(outboundUrlProblem('http://localhost:9000/hook', outboundPolicy(['localhost']))).toBeNull();
    expect(outboundUrlProblem('http://10.0.0.6/hook', outboundPolicy(['10.0.0.5']))).toMatch(/private or reserved/);
  });

  it('reads WEBHOOK_ALLOWED_HOSTS entries in canonical form', () => {
    expect(outboundPolicy(['Hooks.Internal.', '[::1]', '10.0.0.5', ' relay ']).hosts).toEqual(['hooks.internal', '::1', '10.0.0.5', 'relay']);
  });
});
