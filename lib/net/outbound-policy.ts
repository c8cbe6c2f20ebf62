import ipaddr from 'ipaddr.js';

/**
 * Which outbound targets a user may aim Kickoff at (webhooks). The range logic is ipaddr.js's:
 * anything it does not call `unicast` (loopback, private, link-local, unique-local, CGNAT,
 * multicast, broadcast, unspecified, documentation, benchmarking, IPv4-mapped, NAT64, 6to4,
 * Teredo and the other reserved blocks) is refused unless the operator allowed it.
 *
 * No Node APIs here: the alert-rule form runs the URL shape check in the browser.
 */
export interface OutboundPolicy {
  /** Hosts (names or IP addresses, lower case, exact) the operator allowed to be internal. */
  hosts: string[];
}

export const openInternetOnly: OutboundPolicy = { hosts: [] };

/** One `WEBHOOK_ALLOWED_HOSTS` entry as it is compared with a URL's host: a host name or an IP address (canonical form); null when it is neither. */
export function allowedHostEntry(entry: string): string | null {
  const value = entry.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
  if (isIpLiteral(value)) return ipaddr.parse(value).toString();
  if (/^(?=.{1,253}$)[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*$/.test(value) && !/^[\d.]+$/.test(value)) return value;
  return null;
}

/** An IP address as a URL host carries it after WHATWG parsing: dotted-quad IPv4 or IPv6. */
export function isIpLiteral(host: string): boolean {
  return host.includes(':') ? ipaddr.IPv6.isValid(host) : ipaddr.IPv4.isValidFourPartDecimal(host);
}

/** The policy from the entries of `WEBHOOK_ALLOWED_HOSTS` (each already checked by lib/env.ts). */
export function outboundPolicy(entries: string[]): OutboundPolicy {
  return { hosts: entries.flatMap((entry) => allowedHostEntry(entry) ?? []) };
}

/**
 * The URL's host as compared and connected to: no IPv6 brackets, no trailing dot, lower case,
 * an IP address in canonical form (WHATWG has already turned `2130706433`, `0x7f000001`,
 * `0177.0.0.1` and `127.1` into `127.0.0.1`).
 */
export function bareHost(url: URL): string {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '').toLowerCase();
  return isIpLiteral(host) ? ipaddr.parse(host).toString() : host;
}

/** True when the operator allowed this host to be internal. */
export function hostAllowed(host: string, policy: OutboundPolicy): boolean {
  return policy.hosts.includes(host);
}

/** Whether an address is public unicast (ipaddr.js's `unicast`: none of the reserved blocks). */
export function publicAddress(address: string): boolean {
  return ipaddr.isValid(address) && ipaddr.parse(address).range() === 'unicast';
}

/** Names that always mean this machine, whatever DNS says. */
const localNames = /(^|\.)localhost$|^localhost\.localdomain$/;

/**
 * What is wrong with a URL's form, whatever the host: http/https only, no credentials (they
 * would be stored and shown with the rule). Null when it is fine. The alert-rule schema runs
 * this, in the browser too.
 */
export function urlShapeProblem(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'an http(s) URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'an http(s) URL';
  if (url.username !== '' || url.password !== '') return 'no user name or password in the URL (put a token in the path or query instead)';
  return null;
}

/**
 * The save-time check on the server: the URL's form, and no host that is plainly internal (a
 * literal reserved address in any notation, or `localhost`) unless the operator allowed it.
 * Names are not resolved here: the connect-time guard (lib/net/guarded-fetch.ts) checks the
 * address a name resolves to on every call. Returns the problem in words, or null.
 */
export function outboundUrlProblem(raw: string, policy: OutboundPolicy): string | null {
  const shape = urlShapeProblem(raw);
  if (shape) return shape;
  const host = bareHost(new URL(raw));
  if (hostAllowed(host, policy)) return null;
  if (isIpLiteral(host)) {
    return publicAddress(host) ? null : `${host} is a private or reserved address; an operator can allow it with WEBHOOK_ALLOWED_HOSTS`;
  }
  if (localNames.test(host)) return `${host} is this machine; an operator can allow it with WEBHOOK_ALLOWED_HOSTS`;
  return null;
}
