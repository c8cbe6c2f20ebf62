import ipaddr from 'ipaddr.js';
import proxyaddr from 'proxy-addr';
import type { IncomingMessage } from 'node:http';
import { env } from '../env.ts';

/**
 * The address of the TCP peer of a request. Route handlers never see the socket, so
 * Kickoff's web server (`scripts/web-server.ts`) writes it into this header on every request,
 * replacing whatever a client sent under the same name.
 */
export const peerAddressHeader = 'x-kickoff-peer-address';

export type TrustProxy = (address: string, hop: number) => boolean;

/** `TRUSTED_PROXIES` as proxy-addr reads it: addresses, CIDR ranges, `loopback`, `linklocal`, `uniquelocal`. */
export function compileTrustedProxies(entries: readonly string[]): TrustProxy {
  return proxyaddr.compile([...entries]);
}

let trustFromEnv: TrustProxy | undefined;
function trustedProxies(): TrustProxy {
  trustFromEnv ??= compileTrustedProxies(env().TRUSTED_PROXIES);
  return trustFromEnv;
}

/** An address in its plain form (an IPv4-mapped IPv6 address as IPv4), or null when it is not an IP address. */
function normalised(address: string | undefined): string | null {
  if (!address || !ipaddr.isValid(address)) return null;
  return ipaddr.process(address).toString();
}

/** The request's TCP peer is one of TRUSTED_PROXIES: its `X-Forwarded-*` headers may be believed. */
export function isFromTrustedProxy(headers: Headers, trust: TrustProxy = trustedProxies()): boolean {
  const peer = normalised(headers.get(peerAddressHeader) ?? undefined);
  return peer !== null && trust(peer, 0);
}

/**
 * Who sent a request: the TCP peer, or — only when the peer is a proxy named in
 * TRUSTED_PROXIES — the address it reports in `X-Forwarded-For`, walked from the right for as
 * long as each hop is trusted (proxy-addr's rule, the same as Express's `trust proxy`). A hop
 * that is not a valid IP address ends the walk at the last address that was one. Null when
 * the peer is not known (a handler called without Kickoff's web server in front).
 */
export function clientAddress(headers: Headers, trust: TrustProxy = trustedProxies()): string | null {
  const peer = normalised(headers.get(peerAddressHeader) ?? undefined);
  if (!peer) return null;
  const forwardedFor = headers.get('x-forwarded-for');
  // proxy-addr reads these two fields of Node's request; nothing else of it.
  const request = { socket: { remoteAddress: peer }, headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {} } as unknown as IncomingMessage;
  const chain = proxyaddr.all(request, trust);
  for (let index = chain.length - 1; index >= 0; index -= 1) {
    const address = normalised(chain[index]);
    if (address) return address;
  }
  return peer;
}
