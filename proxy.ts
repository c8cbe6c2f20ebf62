import { NextResponse, type NextRequest } from 'next/server';

/**
 * Pages need a session: without the cookie, go to sign-in and come back after. The session
 * itself is checked against the database by the dashboard layout; the path travels in a
 * request header so that check can come back to the same page too.
 */
export function proxy(request: NextRequest): NextResponse {
  const path = request.nextUrl.pathname + request.nextUrl.search;
  if (!request.cookies.has('kickoff_session')) {
    const login = new URL('/login', request.url);
    login.searchParams.set('next', path);
    return NextResponse.redirect(login);
  }
  const headers = new Headers(request.headers);
  headers.set('x-kickoff-path', path);
  return NextResponse.next({ request: { headers } });
}

export const config = {
  matcher: ['/((?!api/|login|_next/|favicon|.*\\.(?:svg|png|ico|css|js|txt)$).*)'],
};
