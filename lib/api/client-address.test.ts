import { describe, expect, it } from 'vitest';
import { EnvError, parseEnv } from '../env.ts';
import { clientAddress, compileTrustedProxies, isFromTrustedProxy, peerAddressHeader } from './client-address.ts';

const request = (peer: string | null, forwardedFor?: string) => {
  const headers = new Headers();
  if (peer !== null) headers.set(peerAddressHeader, peer);
  if (forwardedFor !== undefined) headers.set('x-forwarded-for', forwardedFor);
  return headers;
};

describe('clientAddress', () => {
  const none = compileTrustedProxies([]);
  const local = compileTrustedProxies(['127.0.0.1', '10.0.0.0/8']);

  it('is the TCP peer when no proxy is trusted, whatever X-Forwarded-For says', () => {
    expect(clientAddress(request('192.0.2.10', '203.0.113.9'), none)).toBe('192.0.2.10');
    expect(clientAddress(request('192.0.2.10', '127.0.0.1'), none)).toBe('192.0.2.10');
  });

  it('believes X-Forwarded-For from a trusted proxy, walking right to left past trusted hops', () => {
    expect(clientAddress(request('127.0.0.1', '203.0.113.9'), local)).toBe('203.0.113.9');
    expect(clientAddress(request('127.0.0.1', '203.0.113.9, 10.1.2.3'), local)).toBe('203.0.113.9');
    // A client's own entry left of an untrusted hop is not believed.
    expect(clientAddress(request('127.0.0.1', '6.6.6.6, 203.0.113.9'), local)).toBe('203.0.113.9');
  });

  it('does not believe X-Forwarded-For from a peer that is not a trusted proxy', () => {
    expect(clientAddress(request('192.0.2.10', '203.0.113.9'), local)).toBe('192.0.2.10');
  });

  it('takes only valid IP forms: a hop that is not one ends the walk at the last address that was', () => {
    expect(clientAddress(request('127.0.0.1', '<script>alert(1)</script>'), local)).toBe('127.0.0.1');
    expect(clientAddress(request('127.0.0.1', '203.0.113.9, evil.example'), local)).toBe('127.0.0.1');
    expect(clientAddress(request('127.0.0.1', '203.0.113.9:4711'), local)).toBe('127.0.0.1');
    expect(clientAddress(request('127.0.0.1', '2001:db8::1'), local)).toBe('2001:db8::1');
  });

  it('reads an IPv4-mapped IPv6 peer as IPv4, so a trusted proxy on IPv4 matches either way', () => {
    expect(clientAddress(request('::ffff:127.0.0.1', '203.0.113.9'), local)).toBe('203.0.113.9');
    expect(clientAddress(request('::ffff:192.0.2.10'), none)).toBe('192.0.2.10');
  });

  it('is null when the peer is not known (no web server in front) or not an address', () => {
    expect(clientAddress(request(null, '203.0.113.9'), local)).toBeNull();
    expect(clientAddress(request('garbage', '203.0.113.9'), local)).toBeNull();
  });

  it('tells a trusted proxy apart', () => {
    expect(isFromTrustedProxy(request('10.9.8.7'), local)).toBe(true);
    expect(isFromTrustedProxy(request('192.0.2.10'), local)).toBe(false);
    expect(isFromTrustedProxy(request(null), local)).toBe(false);
  });
});

describe('TRUSTED_PROXIES', () => {
  it('reads addresses, ranges and proxy-addr\'s names separated by commas', () => {
    expect(parseEnv({ TRUSTED_PROXIES: ' 10.0.0.0/8, 127.0.0.1 ,loopback,fd00::/8' }).TRUSTED_PROXIES).toEqual(['10.0.0.0/8', '127.0.0.1', 'loopback', 'fd00::/8']);
    expect(parseEnv({}).TRUSTED_PROXIES).toEqual([]);
  });

  it('stops with a message naming the variable for a value that is not an address', () => {
    expect(() => parseEnv({ TRUSTED_PROXIES: '10.0.0.0/8,proxy.internal' })).toThrow(EnvError);
    expect(() => parseEnv({ TRUSTED_PROXIES: '10.0.0.0/99' })).toThrow(/TRUSTED_PROXIES/);
  });
});
