import { z } from 'zod';
import type { ZodOpenApiPathsObject } from 'zod-openapi';
import type { ApiKeyDto, UserDto } from '../../users/manage-users.ts';
import type { OwnSessionDto } from '../../users/own-sessions.ts';
import { passwordChangeSchema, signInSchema } from '../../validations/auth.ts';
import { preferencesSchema } from '../../validations/preferences.ts';
import { createApiKeySchema, createUserSchema, updateUserSchema } from '../../validations/users.ts';
import { isoDateTime, operation } from './operation.ts';

const role = z.enum(['admin', 'operator', 'viewer']);

const userSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    role,
    grants: z.array(z.string()).meta({ description: 'Job names, `category:<name>` or `*`; empty: every job' }),
    disabled: z.boolean(),
    telegramChatId: z.string().nullable().meta({ description: 'The linked Telegram chat, where the bot answers /status and /failed' }),
    lockedUntil: isoDateTime.nullable().meta({ description: 'Locked after repeated failed sign-ins until then' }),
    lastSignInAt: isoDateTime.nullable().meta({ description: 'When they last signed in; null if never' }),
    createdAt: isoDateTime,
  })
  .meta({ id: 'User' }) satisfies z.ZodType<UserDto>;

const ownSessionSchema = z
  .object({
    id: z.string().meta({ description: 'The first 16 hex digits of the session id' }),
    browser: z.string().meta({ description: 'The user agent in words, e.g. `Chrome 142 on Linux`' }),
    userAgent: z.string().nullable(),
    ip: z.string().nullable().meta({ description: 'The address it signed in from' }),
    createdAt: isoDateTime,
    lastSeenAt: isoDateTime.meta({ description: 'Last used (to the minute)' }),
    expiresAt: isoDateTime,
    current: z.boolean().meta({ description: 'The session of this request' }),
  })
  .meta({ id: 'OwnSession' }) satisfies z.ZodType<OwnSessionDto>;

const apiKeySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    prefix: z.string().meta({ description: 'The first characters of the key, to recognise it' }),
    role,
    grants: z.array(z.string()),
    createdBy: z.string().nullable(),
    createdAt: isoDateTime,
    lastUsedAt: isoDateTime.nullable(),
    revokedAt: isoDateTime.nullable(),
  })
  .meta({ id: 'ApiKey' }) satisfies z.ZodType<ApiKeyDto>;

const idPath = (what: string) => z.object({ id: z.string().meta({ description: `The ${what} id` }) });

export const accessPaths: ZodOpenApiPathsObject = {
  '/api/auth/login': {
    post: operation({
      operationId: 'signIn',
      summary: 'Sign in with email and password',
      description: 'Sets the `kickoff_session` cookie (HttpOnly, SameSite=Lax). From a browser, only from Kickoff\'s own pages. Five failures in a row lock the account for 15 minutes.',
      tags: ['Access'],
      access: 'public',
      body: signInSchema,
      responses: {
        200: {
          description: 'Signed in',
          schema: z.object({ user: z.object({ id: z.string(), email: z.string(), role }) }),
          headers: { 'Set-Cookie': { description: 'The session cookie', schema: { type: 'string' } } },
        },
      },
      errors: {
        401: 'The email or password is not right (`unauthorized`)',
        403: 'A sign-in from another site (`forbidden`)',
        429: 'The account is locked after failed sign-ins (`rate_limited`, with `Retry-After`)',
      },
    }),
  },
  '/api/auth/logout': {
    post: operation({
      operationId: 'signOut',
      summary: 'Sign out: ends the session and clears the cookie',
      tags: ['Access'],
      access: 'public',
      responses: { 200: { description: 'Signed out', schema: z.object({ ok: z.literal(true) }) } },
      errors: { 403: 'A sign-out from another site (`forbidden`)' },
    }),
  },
  '/api/account/password': {
    post: operation({
      operationId: 'changeOwnPassword',
      summary: 'Change your own password (your other sessions end)',
      description: 'The current password counts against the sign-in limits. The session that made the change stays signed in; every other session of yours ends.',
      tags: ['Access'],
      access: 'account:edit',
      body: passwordChangeSchema,
      responses: { 200: { description: 'Changed', schema: z.object({ sessionsEnded: z.number().int() }) } },
      errors: {
        403: 'An API key has no password of its own (`forbidden`)',
        422: 'The new password is too short, or the current one is not right (`validation_failed`, at `currentPassword` / `newPassword`)',
        429: 'Too many wrong current passwords (`rate_limited`, with `Retry-After`)',
      },
    }),
  },
  '/api/account/preferences': {
    get: operation({
      operationId: 'getOwnPreferences',
      summary: 'Your display preferences',
      description: 'An API key has none: it reads `{ timeZone: null }`.',
      tags: ['Access'],
      access: 'account:edit',
      responses: { 200: { description: 'Your preferences', schema: z.object({ preferences: preferencesSchema }) } },
    }),
    patch: operation({
      operationId: 'updateOwnPreferences',
      summary: 'Set your display preferences (the time zone of every time in the dashboard)',
      tags: ['Access'],
      access: 'account:edit',
      body: preferencesSchema,
      responses: { 200: { description: 'Saved', schema: z.object({ preferences: preferencesSchema }) } },
      errors: { 403: 'An API key has no preferences of its own (`forbidden`)', 422: 'Not a time zone name (`validation_failed`, at `timeZone`)' },
    }),
  },
  '/api/account/sessions': {
    get: operation({
      operationId: 'listOwnSessions',
      summary: 'Your own sessions',
      description: 'Where each of your sessions was opened (browser in words, the user agent, the address), when it was last used, and which one this request came with. Sessions are named by the first 16 hex digits of their id.',
      tags: ['Access'],
      access: 'account:edit',
      responses: { 200: { description: 'Your sessions, last used first', schema: z.object({ sessions: z.array(ownSessionSchema) }) } },
      errors: { 403: 'An API key has no sessions (`forbidden`)' },
    }),
  },
  '/api/account/sessions/{id}': {
    delete: operation({
      operationId: 'endOwnSession',
      summary: 'End one of your sessions (that browser is signed out)',
      tags: ['Access'],
      access: 'account:edit',
      path: z.object({ id: z.string().meta({ description: 'The session, as the list names it', example: '0123456789abcdef' }) }),
      responses: { 200: { description: 'Ended', schema: z.object({ ended: z.literal(true), current: z.boolean().meta({ description: 'It was the session of this request' }) }) } },
      errors: { 403: 'An API key has no sessions (`forbidden`)', 404: 'No session of yours has this id (`not_found`)' },
    }),
  },
  '/api/users': {
    get: operation({
      operationId: 'listUsers',
      summary: 'People who may sign in',
      tags: ['Access'],
      access: 'users:manage',
      responses: { 200: { description: 'The users, by email', schema: z.object({ users: z.array(userSchema) }) } },
    }),
    post: operation({
      operationId: 'createUser',
      summary: 'Create a user',
      tags: ['Access'],
      access: 'users:manage',
      body: createUserSchema,
      responses: { 201: { description: 'The user', schema: z.object({ user: userSchema }) } },
      errors: { 409: 'A user with this email exists (`email_taken`)' },
    }),
  },
  '/api/users/{id}': {
    patch: operation({
      operationId: 'updateUser',
      summary: 'Change a user\'s role, grants, password, Telegram chat, or disable them',
      tags: ['Access'],
      access: 'users:manage',
      path: idPath('user'),
      body: updateUserSchema,
      responses: { 200: { description: 'The user after the change', schema: z.object({ user: userSchema }) } },
      errors: {
        404: 'No user with this id (`not_found`)',
        409: 'Disabling yourself or dropping your own admin role (`self_lockout`), or the chat is linked to another user (`chat_linked`)',
      },
    }),
  },
  '/api/api-keys': {
    get: operation({
      operationId: 'listApiKeys',
      summary: 'API keys (never the keys themselves)',
      tags: ['Access'],
      access: 'users:manage',
      responses: { 200: { description: 'The keys, newest first', schema: z.object({ apiKeys: z.array(apiKeySchema) }) } },
    }),
    post: operation({
      operationId: 'createApiKey',
      summary: 'Create an API key',
      description: 'The key is in this answer only; Kickoff keeps its hash.',
      tags: ['Access'],
      access: 'users:manage',
      body: createApiKeySchema,
      responses: { 201: { description: 'The key, once', schema: z.object({ key: z.string().meta({ description: 'Send as `Authorization: Bearer <key>`' }), apiKey: apiKeySchema }) } },
    }),
  },
  '/api/api-keys/{id}': {
    delete: operation({
      operationId: 'revokeApiKey',
      summary: 'Revoke an API key',
      tags: ['Access'],
      access: 'users:manage',
      path: idPath('API key'),
      responses: { 200: { description: 'Revoked', schema: z.object({ revoked: z.literal(true) }) } },
      errors: { 404: 'No key with this id (`not_found`)', 409: 'Revoked already (`already_revoked`)' },
    }),
  },
};
