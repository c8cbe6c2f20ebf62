import { teamsUpdateJob } from '@/lib/jobs/definitions/league/teams-update.ts';
import { defineHandler } from '../../define-handler.ts';
import { syncFromBootstrap } from './sync-from-bootstrap.ts';

/** Handler of teams-update (lib/jobs/definitions/league/teams-update.ts): the Team table alone. */
export const teamsUpdateHandler = defineHandler(teamsUpdateJob, (ctx) => syncFromBootstrap(ctx, ['teams']));
