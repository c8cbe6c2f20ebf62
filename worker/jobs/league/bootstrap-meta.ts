import { bootstrapMetaJob } from '@/lib/jobs/definitions/league/bootstrap-meta.ts';
import { defineHandler } from '../../define-handler.ts';
import { syncFromBootstrap } from './sync-from-bootstrap.ts';

/** Handler of bootstrap-meta (lib/jobs/definitions/league/bootstrap-meta.ts): every reference table, fixtures included. */
export const bootstrapMetaHandler = defineHandler(bootstrapMetaJob, (ctx) => syncFromBootstrap(ctx, ['phases', 'teams', 'events', 'players', 'fixtures']));
