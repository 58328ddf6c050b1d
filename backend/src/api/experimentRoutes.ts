import Router from '@koa/router';
import { AppError } from '../errors';
import { ARMS, armView, experimentResult, statusOf, suggestHorizonCases, type Experiment, type ExperimentService } from '../experiments';
import { merchantOf, requireWrite } from './merchantAuth';
import { experimentBody, experimentParams, horizonQuery, identityQuery } from './schemas';
import { settingsView } from './settingsRoutes';
import { parseInput } from './validation';

/** An experiment as the API shows it: progress per arm, and the result only once it is final. */
export function experimentView(experiment: Experiment) {
  return {
    id: experiment.id,
    object: 'experiment' as const,
    name: experiment.name,
    kind: experiment.kind,
    status: statusOf(experiment),
    horizonCases: experiment.horizonCases,
    createdAt: experiment.createdAt.toISOString(),
    variant: experiment.variant,
    arms: ARMS.map((arm) => armView(experiment.kind, arm, experiment.tallies[arm])),
    result: experimentResult(experiment),
  };
}

const notFound = () => new AppError('no_experiment', 'No such experiment.', 404, 'id');

/** GET/POST /api/experiments, GET /api/experiments/:id, POST …/:id/stop and …/:id/promote, and a horizon suggestion. */
export function createExperimentRoutes(deps: { experiments: ExperimentService }): Router {
  const router = new Router();

  router.get('/api/experiments', async (ctx) => {
    parseInput(identityQuery, ctx.query);
    const merchant = merchantOf(ctx);
    ctx.body = { object: 'list', data: (await deps.experiments.list(merchant.accountId, merchant.livemode)).map(experimentView) };
  });

  router.post('/api/experiments', async (ctx) => {
    const merchant = requireWrite(ctx);
    const body = parseInput(experimentBody, ctx.state.body);
    const outcome = await deps.experiments.create(merchant.accountId, merchant.livemode, { name: body.name, kind: body.kind, variant: body.variant, horizonCases: body.horizonCases });
    if (outcome.kind === 'invalid') {
      const first = outcome.problems[0]!;
      throw new AppError('experiment_invalid', outcome.problems.join('; '), 400, first.slice(0, first.indexOf(':')) || 'variant');
    }
    if (outcome.kind === 'already_running') {
      throw new AppError('experiment_already_running', `A ${body.kind} experiment is already running in this mode: stop it before starting another.`, 409, 'kind');
    }
    ctx.status = 201;
    ctx.body = experimentView(outcome.experiment);
  });

  // Before /:id, which would otherwise read "horizon" as an id.
  router.get('/api/experiments/horizon', (ctx) => {
    const query = parseInput(horizonQuery, ctx.query);
    merchantOf(ctx);
    ctx.body = { object: 'experiment_horizon', baselineShare: query.baselineShare, minimumDetectableEffect: query.minimumDetectableEffect, horizonCases: suggestHorizonCases(query.baselineShare, query.minimumDetectableEffect) };
  });

  router.get('/api/experiments/:id', async (ctx) => {
    parseInput(identityQuery, ctx.query);
    const { id } = parseInput(experimentParams, ctx.params);
    const merchant = merchantOf(ctx);
    const found = await deps.experiments.find(merchant.accountId, merchant.livemode, id);
    if (!found) throw notFound();
    ctx.body = experimentView(found);
  });

  router.post('/api/experiments/:id/stop', async (ctx) => {
    const merchant = requireWrite(ctx);
    parseInput(identityQuery, ctx.state.body);
    const { id } = parseInput(experimentParams, ctx.params);
    const stopped = await deps.experiments.stop(merchant.accountId, merchant.livemode, id);
    if (!stopped) throw notFound();
    ctx.body = experimentView(stopped);
  });

  router.post('/api/experiments/:id/promote', async (ctx) => {
    const merchant = requireWrite(ctx);
    parseInput(identityQuery, ctx.state.body);
    const { id } = parseInput(experimentParams, ctx.params);
    const outcome = await deps.experiments.promote(merchant.accountId, merchant.livemode, id);
    if (outcome.kind === 'not_found') throw notFound();
    if (outcome.kind === 'refused') throw new AppError('nothing_to_promote', outcome.reason, 409, 'id');
    if (outcome.kind === 'invalid') throw new AppError('settings_invalid', `The variant no longer fits the current settings: ${outcome.problems.join('; ')}`, 409, 'id');
    ctx.body = { experiment: experimentView(outcome.experiment), settings: settingsView(outcome.settings) };
  });

  return router;
}
