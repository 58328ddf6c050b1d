import { Banner, Button, Select, SettingsView, Spinner } from '@stripe/ui-extension-sdk/ui';
import type { Experiment } from '../src/api/contract';
import AppSettings from '../src/views/AppSettings';
import { Experiments } from '../src/views/settings/Experiments';
import { finishedExperiment, runningExperiment, settings } from './fixtures';
import { badgesIn, errorBody, fakeBackend, pressButton, renderView, typeInto, viewProps, WithClient } from './fakeBackend';

type Answers = Parameters<typeof fakeBackend>[0];
const listOf = (...data: Experiment[]) => ({ body: { object: 'list', data } });

async function openSection(answers: Answers, canChange = true) {
  const backend = fakeBackend({ 'GET /api/experiments': listOf(runningExperiment), ...answers });
  const view = renderView(backend.withBackend(<WithClient show={(client) => <Experiments backend={client} canChange={canChange} settings={settings} onPromoted={() => undefined} />} />));
  expect(view.wrapper).toContainComponent(Spinner);
  await view.update();
  return { ...view, backend };
}

const buttonTexts = (wrapper: Awaited<ReturnType<typeof openSection>>['wrapper']) => wrapper.findAll(Button).map((node) => node.text);
const posted = (backend: ReturnType<typeof fakeBackend>, path: string) => backend.sent.filter((request) => request.method === 'POST' && request.path === path);

describe('Settings: experiments', () => {
  it('shows a running experiment’s progress to its horizon, and no shares or winner before it', async () => {
    const { wrapper } = await openSection({});
    expect(wrapper).toContainText('Shorter emails');
    expect(badgesIn(wrapper)).toEqual(['neutral: Email sequence', 'info: Running']);
    expect(wrapper).toContainText('142 of 400 ended cases per arm; the result is final at the horizon.');
    expect(wrapper).toContainText('A · Current sequence: 150 of 400 ended (170 cases)');
    expect(wrapper).not.toContainText('Winner');
    expect(wrapper).not.toContainText('recovered 40%');
    expect(wrapper).not.toContainText('points');
    expect(buttonTexts(wrapper)).not.toContain('Promote B: Shorter sequence');
  });

  it('shows a finished experiment’s result: each arm’s figures, the difference with its interval, the winner, and "Promote"', async () => {
    const { wrapper } = await openSection({ 'GET /api/experiments': listOf(finishedExperiment) });
    expect(wrapper).toContainText('400 of 400 ended cases per arm; the result is final at the horizon.');
    expect(wrapper).toContainText('A · Current sequence: recovered 40% (160 of 400 ended) · 4.3 days to recovery on average · 310 opened · 95 clicked');
    expect(wrapper).toContainText('B − A: +10 points (95 % CI +3.1 to +16.7), p = 0.0043');
    expect(wrapper).toContainText('Winner: B · Shorter sequence');
    expect(buttonTexts(wrapper)).toContain('Promote B: Shorter sequence');
    expect(buttonTexts(wrapper)).not.toContain('Stop experiment');
  });

  it('offers no promotion when the final result has no winner, and says a stopped experiment has no result', async () => {
    const tie: Experiment = { ...finishedExperiment, result: { final: true, difference: { estimate: 0.01, low: -0.06, high: 0.08 }, pValue: 0.78, winner: null } };
    const stopped: Experiment = { ...runningExperiment, id: 'exp_3', status: 'stopped' };
    const { wrapper } = await openSection({ 'GET /api/experiments': listOf(tie, stopped) });
    expect(wrapper).toContainText('No winner: the difference is too small to tell the two apart.');
    expect(wrapper).toContainText('Stopped before its horizon: it has no result.');
    expect(buttonTexts(wrapper).filter((text) => text.startsWith('Promote'))).toEqual([]);
  });

  it('says when there is no experiment yet', async () => {
    const { wrapper } = await openSection({ 'GET /api/experiments': listOf() });
    expect(wrapper).toContainText('No experiments yet.');
  });

  it("shows the backend's error when experiments cannot be read", async () => {
    const { wrapper } = await openSection({ 'GET /api/experiments': { status: 500, body: errorBody('Something went wrong on our side.', 'api_error') } });
    expect(wrapper).toContainComponent(Banner, { type: 'critical', description: 'Something went wrong on our side.' });
  });

  it('stops a running experiment and reads the list again', async () => {
    let stoppedYet = false;
    const { wrapper, update, backend } = await openSection({
      'GET /api/experiments': () => listOf(stoppedYet ? { ...runningExperiment, status: 'stopped' } : runningExperiment),
      'POST /api/experiments/exp_1/stop': () => ((stoppedYet = true), { body: { ...runningExperiment, status: 'stopped' } }),
    });
    pressButton(wrapper, 'Stop experiment');
    await update();
    await update();
    expect(posted(backend, '/api/experiments/exp_1/stop')).toHaveLength(1);
    expect(badgesIn(wrapper)).toContain('neutral: Stopped');
    expect(wrapper).toContainComponent(Banner, { type: 'default', title: 'Experiment “Shorter emails” stopped: new cases follow your settings again.' });
  });

  it('starts an email-sequence experiment from the saved sequence with changed delays and subjects', async () => {
    const { wrapper, update, backend } = await openSection({ 'GET /api/experiments': listOf(), 'POST /api/experiments': { status: 201, body: runningExperiment } });
    pressButton(wrapper, 'New experiment');
    typeInto(wrapper, 'Experiment name', 'Sooner second email');
    expect(wrapper.findAll(Select, { label: 'Tone' })).toHaveLength(2);
    typeInto(wrapper, 'Days after the failure', '2');
    typeInto(wrapper, 'Subject (empty: our wording, adapted to the decline)', 'Last chance to keep your plan');
    pressButton(wrapper, 'Add email');
    pressButton(wrapper, 'Start experiment');
    await update();
    expect(posted(backend, '/api/experiments')[0]!.body).toMatchObject({
      name: 'Sooner second email',
      kind: 'email_sequence',
      horizonCases: 400,
      variant: {
        dunning: {
          enabled: true,
          sendConfirmation: true,
          daytimeHours: [9, 18],
          steps: [
            { dayOffset: 0, tone: 'soft_reminder', custom: null },
            { dayOffset: 2, tone: 'retry_notice', custom: { subject: 'Last chance to keep your plan', html: '', text: '' } },
            { dayOffset: 5, tone: 'urgent_reminder', custom: null },
          ],
        },
      },
    });
    expect(posted(backend, '/api/experiments')[0]!.body!.variant).not.toHaveProperty('retryPolicy');
  });

  it('starts a retry-policy experiment with the settings form’s retry fields', async () => {
    const { wrapper, update, backend } = await openSection({ 'GET /api/experiments': listOf(), 'POST /api/experiments': { status: 201, body: runningExperiment } });
    pressButton(wrapper, 'New experiment');
    typeInto(wrapper, 'Experiment name', 'Two weeks');
    wrapper.find(Select, { label: 'What to test' })!.trigger('onChange', { target: { value: 'retry_policy' } } as never);
    typeInto(wrapper, 'Retry for this many days after the first failure', '14');
    typeInto(wrapper, 'Horizon: ended cases per arm', '250');
    pressButton(wrapper, 'Start experiment');
    await update();
    expect(posted(backend, '/api/experiments')[0]!.body).toMatchObject({
      name: 'Two weeks',
      kind: 'retry_policy',
      horizonCases: 250,
      variant: { retryPolicy: { windowDays: 14, maxAttempts: 8, endAction: 'leave_open', networkLimits: settings.retryPolicy.networkLimits } },
    });
    expect(posted(backend, '/api/experiments')[0]!.body!.variant).not.toHaveProperty('dunning');
    expect(wrapper).toContainComponent(Banner, { type: 'default', title: 'Experiment “Two weeks” started.' });
  });

  it('will not start an experiment with an unfinished number, and shows why the backend refused one', async () => {
    const refusal = 'Another experiment is already running.';
    const { wrapper, update, backend } = await openSection({ 'POST /api/experiments': { status: 409, body: errorBody(refusal) } });
    pressButton(wrapper, 'New experiment');
    typeInto(wrapper, 'Experiment name', 'Again');
    typeInto(wrapper, 'Horizon: ended cases per arm', '');
    pressButton(wrapper, 'Start experiment');
    expect(wrapper).toContainText('Enter a whole number in every number field.');
    expect(posted(backend, '/api/experiments')).toHaveLength(0);
    typeInto(wrapper, 'Horizon: ended cases per arm', '300');
    pressButton(wrapper, 'Start experiment');
    await update();
    expect(wrapper).toContainComponent(Banner, { type: 'critical', title: refusal });
    expect(buttonTexts(wrapper)).toContain('Start experiment');
  });

  it('offers no actions to users who may not change settings', async () => {
    const { wrapper } = await openSection({ 'GET /api/experiments': listOf(runningExperiment, finishedExperiment) }, false);
    expect(buttonTexts(wrapper)).toEqual([]);
  });
});

describe('Settings: promoting an experiment’s winner', () => {
  it('promotes the winner, then reads the settings again and says what changed', async () => {
    const promotedSettings = { ...settings, dunning: { ...settings.dunning, steps: [settings.dunning.steps[0]!] } };
    let promoted = false;
    const backend = fakeBackend({
      'GET /api/settings': () => ({ body: promoted ? promotedSettings : settings }),
      'GET /api/api-keys': { body: { object: 'list', data: [] } },
      'GET /api/webhook-endpoints': { body: { object: 'list', data: [] } },
      'GET /api/experiments': listOf(finishedExperiment),
      // The backend answers the promoted experiment and the new settings (experimentRoutes.ts); the view reads the settings again instead.
      'POST /api/experiments/exp_2/promote': () => ((promoted = true), { body: { experiment: finishedExperiment, settings: promotedSettings } }),
    });
    const { wrapper, update } = renderView(backend.withBackend(<AppSettings {...viewProps({ roles: [{ id: 'admin', name: 'Administrator', type: 'builtIn' }] })} />));
    await update();
    await update();
    expect(wrapper).toContainText('Email 2');
    pressButton(wrapper, 'Promote B: Shorter sequence');
    await update();
    await update();
    expect(backend.sent.filter((request) => request.path === '/api/experiments/exp_2/promote')).toHaveLength(1);
    expect(backend.sent.filter((request) => request.path === '/api/settings')).toHaveLength(2);
    expect(wrapper).not.toContainText('Email 2');
    expect(wrapper.find(SettingsView)).toHaveProps({ statusMessage: '“Shorter sequence” from “Shorter emails, round 2” is now your email sequence.' });
  });
});
