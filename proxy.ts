import { NextResponse, type NextRequest } from 'next/server';
import { methodNotAllowed } from '@/lib/api/method-not-allowed.ts';

/** The path's percent-escapes decode to UTF-8 (`/api/runs/%FF` does not). */
function decodes(pathname: string): boolean {
  try {
    decodeURIComponent(pathname);
    return true;
  } catch {
    return false;
  }
}

/**
 * A path whose percent-encoding is not UTF-8 is answered here, before Next's router tries to
 * decode it for a dynamic segment: that throws, Next looks for a /400 page the app router does
 * not have, and ends with a plain-text 500. API paths get the JSON error shape.
 */
function malformedPath(request: NextRequest): NextResponse {
  const message = 'The path is not valid percent-encoded UTF-8';
  if (request.nextUrl.pathname.startsWith('/api/')) {
    return NextResponse.json({ error: { code: 'bad_request', message, details: { path: request.nextUrl.pathname.slice(0, 200) } } }, { status: 400 });
  }
  return new NextResponse(message, { status: 400, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
}

/**
 * Every request but static files: a malformed path ends here (see malformedPath); API
 * requests go on as they are. Every page: a content security policy with a fresh nonce, so
 * no inline script runs but Next's own (which carry the nonce); and pages need a session:
 * without the cookie, go to sign-in and come back after. The session itself is checked
 * against the database by the dashboard layout; the path travels in a request header so that
 * check can come back here.
 */
export function proxy(request: NextRequest): Response {
  if (!decodes(request.nextUrl.pathname)) return malformedPath(request);
  if (/^\/api(\/|$)/.test(request.nextUrl.pathname)) return methodNotAllowed(request) ?? NextResponse.next();
  const path = request.nextUrl.pathname + request.nextUrl.search;
  const isSignIn = request.nextUrl.pathname === '/login';
  if (!isSignIn && !request.cookies.has('kickoff_session')) {
    const login = new URL('/login', request.url);
    login.searchParams.set('next', path);
    return NextResponse.redirect(login);
  }
  const nonce = btoa(crypto.randomUUID());
  const dev = process.env.NODE_ENV === 'development';
  const csp = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ''}`,
    // Inline style attributes (progress bar widths) only; no inline script anywhere.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
  const headers = new Headers(request.headers);
  headers.set('x-kickoff-path', path);
  headers.set('x-nonce', nonce);
  headers.set('Content-Security-Policy', csp);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set('Content-Security-Policy', csp);
  return response;
}

export const config = {
  matcher: ['/((?!_next/|favicon|.*\\.(?:svg|png|ico|css|js|txt)$).*)'],
};
