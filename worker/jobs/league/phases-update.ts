import { phasesUpdateJob } from '@/lib/jobs/definitions/league/phases-update.ts';
import { defineHandler } from '../../define-handler.ts';
import { syncFromBootstrap } from './sync-from-bootstrap.ts';

/** Handler of phases-update (lib/jobs/definitions/league/phases-update.ts): the Phase table alone. */
export const phasesUpdateHandler = defineHandler(phasesUpdateJob, (ctx) => syncFromBootstrap(ctx, ['phases']));
