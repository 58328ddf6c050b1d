import { Banner, Button, SettingsView, Spinner, Switch, TextArea, TextField } from '@stripe/ui-extension-sdk/ui';
import AppSettings from '../src/views/AppSettings';
import { daysBeforeOfNewStep } from '../src/views/settings/BeforeRenewals';
import { errorBody, fakeBackend, pressButton, renderView, typeInto, viewProps } from './fakeBackend';
import { apiKeys, preDunningPreview, settings } from './fixtures';

const admin = [{ id: 'admin', name: 'Administrator', type: 'builtIn' as const }];
type Wrapper = ReturnType<typeof renderView>['wrapper'];
const DAYS = 'Days before the renewal';
const SUBJECT = 'Reminder subject (empty: our wording about the expiring card)';
const THRESHOLD = 'Risk alert threshold (1–100)';

async function openSettings(answers: Parameters<typeof fakeBackend>[0], roles = admin) {
  const none = { body: { object: 'list', data: [] } };
  const backend = fakeBackend({ 'GET /api/settings': { body: settings }, 'GET /api/api-keys': { body: apiKeys }, 'GET /api/webhook-endpoints': none, 'GET /api/experiments': none, ...answers });
  const view = renderView(backend.withBackend(<AppSettings {...viewProps({ roles })} />));
  expect(view.wrapper).toContainComponent(Spinner);
  await view.update();
  return { ...view, backend };
}

const daysShown = (wrapper: Wrapper) => wrapper.findAll(TextField, { label: DAYS }).map((field) => field.prop('value'));
const typeIntoStep = (wrapper: Wrapper, label: string, index: number, value: string) => wrapper.findAll(TextField, { label })[index]!.trigger('onChange', { target: { value } } as never);
const save = (wrapper: Wrapper) => wrapper.find(SettingsView)!.trigger('onSave', {});
const savedBody = (backend: ReturnType<typeof fakeBackend>) => backend.sent.find((request) => request.method === 'PUT')?.body;

describe('AppSettings: before renewals', () => {
  it('shows pre-dunning on, its reminders 30, 14 and 3 days before the renewal, and the risk alert threshold', async () => {
    const { wrapper } = await openSettings({});
    expect(wrapper).toContainText('Before renewals');
    expect(wrapper.find(Switch, { label: 'Remind customers whose card expires before their renewal' })).toHaveProps({ checked: true });
    expect(daysShown(wrapper)).toEqual(['30', '14', '3']);
    expect(wrapper.find(TextField, { label: THRESHOLD })).toHaveProps({ value: '70' });
  });

  it('saves pre-dunning and the threshold with the rest of the settings', async () => {
    const { wrapper, update, backend } = await openSettings({ 'PUT /api/settings': { body: { ...settings, renewalRisk: { alertThreshold: 80 } } } });
    wrapper.find(Switch, { label: 'Remind customers whose card expires before their renewal' })!.trigger('onChange', { target: { checked: false } } as never);
    typeIntoStep(wrapper, DAYS, 1, '10');
    typeInto(wrapper, THRESHOLD, '80');
    save(wrapper);
    await update();
    expect(savedBody(backend)).toMatchObject({
      preDunning: { enabled: false, steps: [{ daysBefore: 30, custom: null }, { daysBefore: 10, custom: null }, { daysBefore: 3, custom: null }] },
      renewalRisk: { alertThreshold: 80 },
      dunning: settings.dunning,
    });
    expect(wrapper.find(SettingsView)).toHaveProps({ statusMessage: 'Saved.' });
  });

  it("saves a reminder's own wording once a subject is typed", async () => {
    const { wrapper, update, backend } = await openSettings({ 'PUT /api/settings': { body: settings } });
    typeIntoStep(wrapper, SUBJECT, 0, 'Your card expires soon');
    const html = wrapper.findAll(TextArea).find((area) => String(area.prop('label')).includes('{{card_update_url}}'))!;
    html.trigger('onChange', { target: { value: '<p>Update it: {{card_update_url}}</p>' } } as never);
    save(wrapper);
    await update();
    expect((savedBody(backend)!.preDunning as { steps: unknown[] }).steps[0]).toEqual({ daysBefore: 30, custom: { subject: 'Your card expires soon', html: '<p>Update it: {{card_update_url}}</p>', text: '' } });
  });

  it('adds reminders up to five, halving the days each time, and shows why the backend refuses a sequence', async () => {
    const refusal = 'preDunning.steps[4].daysBefore: each reminder must come at least a day closer to the renewal than the one before';
    const { wrapper, update, backend } = await openSettings({ 'PUT /api/settings': { status: 400, body: errorBody(refusal) } });
    pressButton(wrapper, 'Add a reminder');
    expect(daysShown(wrapper)).toEqual(['30', '14', '3', '1']);
    pressButton(wrapper, 'Add a reminder');
    expect(daysShown(wrapper)).toEqual(['30', '14', '3', '1', '1']);
    expect(wrapper.findAll(Button).find((button) => button.text === 'At most 5 reminders')).toHaveProps({ disabled: true });
    save(wrapper);
    await update();
    expect((savedBody(backend)!.preDunning as { steps: Array<{ daysBefore: number }> }).steps.map((step) => step.daysBefore)).toEqual([30, 14, 3, 1, 1]);
    expect(wrapper).toContainComponent(Banner, { type: 'critical', title: 'Not saved', description: refusal });
    expect(daysShown(wrapper)).toEqual(['30', '14', '3', '1', '1']);
  });

  it('removes a reminder with its own fields, leaving the others as typed', async () => {
    const { wrapper } = await openSettings({});
    typeIntoStep(wrapper, DAYS, 2, '5');
    const removes = wrapper.findAll(Button).filter((button) => button.text === 'Remove reminder');
    removes[1]!.trigger('onPress');
    expect(daysShown(wrapper)).toEqual(['30', '5']);
    expect(wrapper).not.toContainText('Reminder 3');
  });

  it('will not save a reminder whose days were left empty', async () => {
    const { wrapper, update, backend } = await openSettings({ 'PUT /api/settings': { body: settings } });
    typeIntoStep(wrapper, DAYS, 0, '');
    save(wrapper);
    await update();
    expect(savedBody(backend)).toBeUndefined();
    expect(wrapper).toContainComponent(Banner, { type: 'critical', description: 'Enter a whole number in every number field.' });
  });

  it('previews a reminder as the customer would get it, from the unsaved form', async () => {
    const { wrapper, update, backend } = await openSettings({ 'POST /api/settings/pre-dunning-preview': { body: preDunningPreview } });
    typeIntoStep(wrapper, DAYS, 1, '10');
    wrapper.findAll(Button).filter((button) => button.text === 'Preview reminder')[1]!.trigger('onPress');
    await update();
    const sent = backend.sent.find((request) => request.path === '/api/settings/pre-dunning-preview')!;
    expect(sent).toMatchObject({ method: 'POST', body: { stepIndex: 1, preDunning: { enabled: true, steps: [{ daysBefore: 30 }, { daysBefore: 10 }, { daysBefore: 3 }] }, branding: { productName: 'Acme Pro' }, account_id: 'acct_1234' } });
    expect(wrapper).toContainText(preDunningPreview.subject);
    expect(wrapper).toContainText(preDunningPreview.text);
  });

  it("shows the backend's reason when a preview is refused", async () => {
    const refusal = 'preDunning.steps[0].custom.html: unknown variable {{card_number}}';
    const { wrapper, update } = await openSettings({ 'POST /api/settings/pre-dunning-preview': { status: 400, body: errorBody(refusal) } });
    pressButton(wrapper, 'Preview reminder', 'first');
    await update();
    expect(wrapper).toContainComponent(Banner, { type: 'critical', title: 'No preview', description: refusal });
  });

  it('is read-only for users who may not change settings: no adding or removing, fields disabled, previews still open', async () => {
    const { wrapper } = await openSettings({}, [{ id: 'view_only', name: 'View only', type: 'builtIn' }]);
    expect(wrapper.find(Switch, { label: 'Remind customers whose card expires before their renewal' })).toHaveProps({ disabled: true });
    expect(wrapper.findAll(TextField, { label: DAYS }).map((field) => field.prop('disabled'))).toEqual([true, true, true]);
    expect(wrapper.find(TextField, { label: THRESHOLD })).toHaveProps({ disabled: true });
    const labels = wrapper.findAll(Button).map((button) => button.text);
    expect(labels).not.toContain('Add a reminder');
    expect(labels).not.toContain('Remove reminder');
    expect(labels.filter((label) => label === 'Preview reminder')).toHaveLength(3);
  });
});

describe('daysBeforeOfNewStep', () => {
  it.each([
    [[], 30],
    [[30, 14, 3], 1],
    [[30, 14], 7],
    [[1], 1],
    [[Number.NaN], 1],
  ])('after %j days a new reminder goes %i days before', (days, expected) => {
    expect(daysBeforeOfNewStep(days.map((daysBefore) => ({ daysBefore, custom: null })))).toBe(expected);
  });
});
