import { NextResponse, type NextRequest } from 'next/server';
import { methodNotAllowed } from '@/lib/api/method-not-allowed.ts';

/**
 * Every page: a content security policy with a fresh nonce, so no inline script runs but
 * Next's own (which carry the nonce); and pages need a session: without the cookie, go to
 * sign-in and come back after. The session itself is checked against the database by the
 * dashboard layout; the path travels in a request header so that check can come back here.
 */
export function proxy(request: NextRequest): Response {
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
  matcher: ['/((?!api/|_next/|favicon|.*\\.(?:svg|png|ico|css|js|txt)$).*)', '/api/:path*'],
};
