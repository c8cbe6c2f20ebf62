import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { RequestFilteringHttpAgent, RequestFilteringHttpsAgent } from 'request-filtering-agent';
import { bareHost, hostAllowed, urlShapeProblem, type OutboundPolicy } from './outbound-policy.ts';

/**
 * The one HTTP client for outbound calls a user can aim (webhook alert channels).
 *
 * - http and https only, no credentials in the URL;
 * - the address is checked when the socket connects, after DNS, by request-filtering-agent's
 *   agents (ipaddr.js ranges: only public unicast passes), so a name that resolves to
 *   127.0.0.1, or one that changes its answer between a check and the call (DNS rebinding),
 *   cannot reach an internal service; hosts in WEBHOOK_ALLOWED_HOSTS may be internal;
 * - no redirect is followed (node:http never follows one; a 3xx is a failed delivery);
 * - one deadline for connecting and answering;
 * - the errors say as little as they must: every failure to connect or answer is the same
 *   sentence, so a delivery's `lastError` cannot tell an open port from a closed one, and a
 *   refused target reads the same whether it was a literal address or a name.
 */
export class OutboundError extends Error {
  constructor(
    message: string,
    /** `refused`: not sent (policy); `unreachable`: no answer in time; `status`: answered, not 2xx. */
    readonly kind: 'refused' | 'unreachable' | 'status',
    readonly status?: number,
  ) {
    super(message);
    this.name = 'OutboundError';
  }
}

export interface GuardedRequest {
  method?: 'POST' | 'PUT' | 'GET';
  headers?: Record<string, string>;
  body?: string;
  /** Connect and answer within this. */
  timeoutMs: number;
  policy: OutboundPolicy;
  /** Aborts the call early (a caller's own deadline). */
  signal?: AbortSignal;
  /** Resolves host names; tests give one that answers a private address. Default: the system's (dns.lookup). */
  lookup?: LookupFunction;
}

const agents = {
  guarded: { 'http:': new RequestFilteringHttpAgent(), 'https:': new RequestFilteringHttpsAgent() },
  // An allowed host may be private; the unspecified address (0.0.0.0, ::) stays refused.
  allowed: { 'http:': new RequestFilteringHttpAgent({ allowPrivateIPAddress: true }), 'https:': new RequestFilteringHttpsAgent({ allowPrivateIPAddress: true }) },
};

export const refusedMessage = 'not sent: the host is a private or reserved address, or resolves to one (an operator can allow a host with WEBHOOK_ALLOWED_HOSTS)';
const unreachableMessage = (timeoutMs: number) => `not delivered: the host could not be reached or did not answer within ${Math.round(timeoutMs / 100) / 10} s`;

/** Sends one request and resolves with the status of a 2xx answer; anything else throws an OutboundError. The answer's body is not read. */
export function guardedFetch(raw: string, init: GuardedRequest): Promise<{ status: number }> {
  const shape = urlShapeProblem(raw);
  if (shape) return Promise.reject(new OutboundError(`not sent: expected ${shape}`, 'refused'));
  const url = new URL(raw);
  const protocol = url.protocol as 'http:' | 'https:';
  const host = bareHost(url);
  const agent = (hostAllowed(host, init.policy) ? agents.allowed : agents.guarded)[protocol];
  const send = protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (error: OutboundError | null, status?: number) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      init.signal?.removeEventListener('abort', onAbort);
      if (error) reject(error);
      else resolve({ status: status! });
    };
    let request: ClientRequest;
    const onAbort = () => request.destroy(new Error('aborted'));
    const timer = setTimeout(() => request.destroy(new Error('timeout')), init.timeoutMs);
    request = send(
      {
        protocol,
        host,
        port: url.port || undefined,
        path: `${url.pathname}${url.search}`,
        method: init.method ?? 'POST',
        headers: { ...(init.headers ?? {}), ...(init.body !== undefined ? { 'content-length': String(Buffer.byteLength(init.body)) } : {}) },
        agent,
        ...(init.lookup ? { lookup: init.lookup } : {}),
      },
      (response: IncomingMessage) => {
        const status = response.statusCode ?? 0;
        // The body is of no use to a delivery; drop the connection rather than read an endless answer.
        response.destroy();
        if (status >= 200 && status < 300) return finish(null, status);
        const redirect = status >= 300 && status < 400 ? '; redirects are not followed' : '';
        finish(new OutboundError(`not delivered: the host answered ${status}${redirect}`, 'status', status));
      },
    );
    if (init.signal?.aborted) onAbort();
    init.signal?.addEventListener('abort', onAbort, { once: true });
    request.on('error', (error: Error) => {
      // request-filtering-agent's refusals read "… is not allowed. Because, …".
      finish(/is not allowed/.test(error.message) ? new OutboundError(refusedMessage, 'refused') : new OutboundError(unreachableMessage(init.timeoutMs), 'unreachable'));
    });
    request.end(init.body);
  });
}
