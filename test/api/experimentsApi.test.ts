import request from 'supertest';
import { DEFAULT_DUNNING_POLICY } from '../../backend/src/dunning';
import { DEFAULT_RETRY_POLICY } from '../../backend/src/retryPolicy';
import { armFor, experimentTallyChanges, type Arm } from '../../backend/src/experiments';
import type { RecoveryCase } from '../../backend/src/recovery';
import { openedCase } from '../support/caseBuilders';
import { createTestApp } from '../support/testApp';
import { useTestDatabase } from '../support/testDatabase';

const db = useTestDatabase();
let testApp: Awaited<ReturnType<typeof createTestApp>>;
const keys: Record<string, string> = {};
const ACCOUNT = 'acct_experiments';

beforeAll(async () => {
  await Promise.all(['accounts', 'apiKeys', 'experiments'].map((name) => db.connection.collection(name).deleteMany({})));
  testApp = await createTestApp(db.connection, { env: { MERCHANT_RATE_LIMIT_PER_MINUTE: '10000' } });
  const now = new Date();
  const create = async (name: string, accountId: string, livemode: boolean, scope: 'read' | 'read_write') =>
    (keys[name] = (await testApp.container.apiKeys.create({ accountId, livemode, name, scope, now })).key);
  await create('write', ACCOUNT, false, 'read_write');
  await create('read', ACCOUNT, false, 'read');
  await create('live', ACCOUNT, true, 'read_write');
  await create('other', 'acct_other_merchant', false, 'read_write');
});
beforeEach(async () => {
  await db.connection.collection('experiments').deleteMany({});
  await db.connection.collection('accounts').deleteMany({});
});

const call = (method: 'get' | 'post', path: string, body?: object, key = keys.write!) => {
  const pending = request(testApp.server)[method](path).set('authorization', `Bearer ${key}`);
  return body ? pending.send(body) : pending;
};
const shorterSequence = { ...DEFAULT_DUNNING_POLICY, steps: [{ dayOffset: 0, tone: 'soft_reminder', custom: { subject: 'Quick fix for {{productName}}', html: '<p>Update your card</p>', text: 'Update your card' } }] };
const emailTest = { name: 'One short email', kind: 'email_sequence', variant: { dunning: shorterSequence }, horizonCases: 50 };

/** Counts `recovered` of `ended` cases into one arm, as their saves' outbox entries do (the cases themselves are not saved). */
async function countCases(experimentId: string, arm: Arm, ended: number, recovered: number, accountId = ACCOUNT, livemode = false) {
  for (let index = 0; index < ended; index += 1) {
    const open: RecoveryCase = openedCase({ accountId, livemode, id: `case_${arm}_${index}`, experiments: [{ id: experimentId, kind: 'email_sequence', arm }] });
    const at = new Date(open.openedAt.getTime() + 2 * 86_400_000);
    const closed: RecoveryCase =
      index < recovered ? { ...open, status: 'recovered', outcome: { status: 'recovered', recoveredBy: 'card_update', at } } : { ...open, status: 'exhausted', outcome: { status: 'exhausted', reason: 'plan_ended', at } };
    // What the case's two saves put in its outbox, applied as the relay applies it.
    for (const [revision, before, after] of [[0, null, open], [1, open, closed]] as const) {
      const changes = experimentTallyChanges(before, after);
      await testApp.container.experiments.applyOnce([{ id: `experiment_${open.id}_${revision}`, accountId, livemode, changes }]);
    }
  }
}

describe('POST /api/experiments', () => {
  it('starts an experiment and shows it with both arms and no result yet', async () => {
    const response = await call('post', '/api/experiments', emailTest);
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      id: expect.stringMatching(/^exp_[a-f0-9]{24}$/),
      object: 'experiment',
      name: 'One short email',
      kind: 'email_sequence',
      status: 'running',
      horizonCases: 50,
      arms: [
        { arm: 'A', label: 'Current email sequence', cases: 0, ended: 0, recovered: 0, recoveredShare: null, meanDaysToRecovery: null, emailsOpened: 0, emailsClicked: 0 },
        { arm: 'B', label: 'Variant email sequence', cases: 0, ended: 0, recovered: 0, recoveredShare: null, meanDaysToRecovery: null, emailsOpened: 0, emailsClicked: 0 },
      ],
      result: { final: false, difference: null, pValue: null, winner: null },
    });
    const listed = await call('get', '/api/experiments');
    expect(listed.body).toMatchObject({ object: 'list', data: [{ id: response.body.id }] });
    expect((await call('get', `/api/experiments/${response.body.id}`)).body.id).toBe(response.body.id);
  });

  it('allows one running experiment per kind: a second email test is a 409, a retry test alongside is fine', async () => {
    expect((await call('post', '/api/experiments', emailTest)).status).toBe(201);
    const second = await call('post', '/api/experiments', emailTest);
    expect(second.status).toBe(409);
    expect(second.body.error).toMatchObject({ code: 'experiment_already_running', param: 'kind' });
    const retry = await call('post', '/api/experiments', { name: 'Fewer retries', kind: 'retry_policy', variant: { retryPolicy: { maxAttempts: 4 } }, horizonCases: 200 });
    expect(retry.status).toBe(201);
    expect(retry.body.arms[0]).toMatchObject({ label: 'Current retry policy', emailsOpened: null, emailsClicked: null });
  });

  it.each([
    ['a horizon under 50', { ...emailTest, horizonCases: 10 }, 'parameter_invalid', 'horizonCases', /at least 50 ended cases per arm/],
    ['an unknown kind', { ...emailTest, kind: 'price' }, 'parameter_invalid', 'kind', /kind/],
    ['a field the variant does not have', { ...emailTest, variant: { dunning: shorterSequence, branding: {} } }, 'parameter_invalid', 'variant', /branding/],
    ['a retry policy in an email test', { ...emailTest, variant: { retryPolicy: { maxAttempts: 4 } } }, 'experiment_invalid', 'variant.retryPolicy', /email_sequence experiment varies the email sequence only/],
    ['a retry test with nothing changed', { name: 'x', kind: 'retry_policy', variant: {}, horizonCases: 50 }, 'experiment_invalid', 'variant.retryPolicy', /at least one field/],
    ['a template that does not render', { ...emailTest, variant: { dunning: { ...shorterSequence, steps: [{ dayOffset: 0, tone: 'soft_reminder', custom: { subject: 'Hi', html: '<p>{{firstName}}</p>', text: 'x' } }] } } }, 'experiment_invalid', 'variant.dunning.steps[0].custom.html line 1', /Unknown variable "firstName"/],
    ['a retry policy over the Visa limit', { name: 'x', kind: 'retry_policy', variant: { retryPolicy: { maxAttempts: 30 } }, horizonCases: 50 }, 'experiment_invalid', 'variant.retryPolicy.maxAttempts', /the Visa limit/],
  ])('refuses %s with a clear 400 and saves nothing', async (_name, body, code, param, message) => {
    const response = await call('post', '/api/experiments', body);
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ type: 'invalid_request_error', code, param });
    expect(response.body.error.message).toMatch(message);
    expect((await call('get', '/api/experiments')).body.data).toEqual([]);
  });

  it('needs a read-write key', async () => {
    expect((await call('post', '/api/experiments', emailTest, keys.read)).status).toBe(403);
  });
});

describe('GET /api/experiments/:id', () => {
  it('answers 400 for a malformed id and 404 for an unknown one', async () => {
    expect((await call('get', '/api/experiments/nope')).body.error).toMatchObject({ code: 'parameter_invalid', param: 'id' });
    expect((await call('get', '/api/experiments/exp_0123456789abcdef01234567')).status).toBe(404);
  });
});

describe('experiments across accounts and modes', () => {
  it('are seen, stopped and counted only in their own account and mode', async () => {
    const { id } = (await call('post', '/api/experiments', emailTest)).body;
    for (const key of [keys.other!, keys.live!]) {
      expect((await call('get', '/api/experiments', undefined, key)).body.data).toEqual([]);
      expect((await call('get', `/api/experiments/${id}`, undefined, key)).status).toBe(404);
      expect((await call('post', `/api/experiments/${id}/stop`, {}, key)).status).toBe(404);
      expect((await call('post', `/api/experiments/${id}/promote`, {}, key)).status).toBe(404);
    }
    // The same experiment runs in another account's mode independently.
    expect((await call('post', '/api/experiments', emailTest, keys.live)).status).toBe(201);

    const { enroll } = testApp.container.experiments;
    const opening = { ...openedCase({ stripeCustomerId: 'cus_1' }) } as Partial<RecoveryCase>;
    delete opening.id;
    delete opening.revision;
    const ofOther = await enroll({ ...(opening as Parameters<typeof enroll>[0]), accountId: 'acct_other_merchant', livemode: false });
    expect(ofOther.experiments).toBeUndefined();
    const ofOwn = await enroll({ ...(opening as Parameters<typeof enroll>[0]), accountId: ACCOUNT, livemode: false });
    expect(ofOwn.experiments).toEqual([{ id, kind: 'email_sequence', arm: armFor(id, 'cus_1') }]);

    // A case of another account naming this experiment counts nothing in it.
    await countCases(id, 'A', 3, 1, 'acct_other_merchant');
    await countCases(id, 'A', 3, 1, ACCOUNT, true);
    expect((await call('get', `/api/experiments/${id}`)).body.arms[0]).toMatchObject({ cases: 0, ended: 0 });
  });
});

describe('enrollment of a batch of events handled together', () => {
  it("enrolls as enroll does, reading each account's running experiments once, at the batch's first opening", async () => {
    const opening = (customer: string) => {
      const { id: _id, revision: _revision, ...fields } = openedCase({ accountId: ACCOUNT, livemode: false, stripeCustomerId: customer });
      return fields;
    };
    const batch = testApp.container.experiments.enrollmentForBatch();
    expect((await batch(opening('cus_1'))).experiments).toBeUndefined();

    const { id } = (await call('post', '/api/experiments', emailTest)).body;

    // Started after the batch read the account's experiments: the rest of the batch does not see it, the next batch does.
    expect((await batch(opening('cus_2'))).experiments).toBeUndefined();
    expect((await testApp.container.experiments.enrollmentForBatch()(opening('cus_2'))).experiments).toEqual([{ id, kind: 'email_sequence', arm: armFor(id, 'cus_2') }]);
    expect((await testApp.container.experiments.enroll(opening('cus_2'))).experiments).toEqual([{ id, kind: 'email_sequence', arm: armFor(id, 'cus_2') }]);
  });
});

describe('experiment counts from case outboxes', () => {
  it('counts an outbox entry once when the relay passes it again after a crash', async () => {
    const created = (await call('post', '/api/experiments', emailTest)).body as { id: string };
    const open: RecoveryCase = openedCase({ accountId: ACCOUNT, livemode: false, id: 'case_twice', experiments: [{ id: created.id, kind: 'email_sequence', arm: 'B' }] });
    const entry = { id: 'experiment_case_twice_0', accountId: ACCOUNT, livemode: false, changes: experimentTallyChanges(null, open) };
    await testApp.container.experiments.applyOnce([entry]);
    await testApp.container.experiments.applyOnce([entry]);
    const shown = (await call('get', `/api/experiments/${created.id}`)).body as { arms: Array<{ arm: string; cases: number }> };
    expect(shown.arms.find((arm) => arm.arm === 'B')!.cases).toBe(1);
    // Once the entry has left its case, its mark goes and the next entry counts as usual.
    await testApp.container.experiments.forgetApplied([entry]);
    await testApp.container.experiments.applyOnce([{ ...entry, id: 'experiment_case_twice_1' }]);
    const again = (await call('get', `/api/experiments/${created.id}`)).body as { arms: Array<{ arm: string; cases: number }> };
    expect(again.arms.find((arm) => arm.arm === 'B')!.cases).toBe(2);
  });
});

describe('POST /api/experiments/:id/stop', () => {
  it('stops enrollment, keeps the counts, and frees the kind for a new experiment', async () => {
    const { id } = (await call('post', '/api/experiments', emailTest)).body;
    await countCases(id, 'B', 2, 1);
    const stopped = await call('post', `/api/experiments/${id}/stop`, {});
    expect(stopped.status).toBe(200);
    expect(stopped.body).toMatchObject({ status: 'stopped', arms: [{ cases: 0 }, { cases: 2, ended: 2, recovered: 1, recoveredShare: 0.5, meanDaysToRecovery: 2 }], result: { final: false } });
    const opening = openedCase({ accountId: ACCOUNT, stripeCustomerId: 'cus_1' });
    expect((await testApp.container.experiments.enroll(opening)).experiments).toBeUndefined();
    expect((await call('post', '/api/experiments', emailTest)).status).toBe(201);
  });
});

describe('POST /api/experiments/:id/promote', () => {
  const promote = (id: string) => call('post', `/api/experiments/${id}/promote`, {});

  it('refuses before the horizon, however good B looks', async () => {
    const { id } = (await call('post', '/api/experiments', emailTest)).body;
    await countCases(id, 'A', 50, 5);
    await countCases(id, 'B', 49, 45);
    const response = await promote(id);
    expect(response.status).toBe(409);
    expect(response.body.error).toMatchObject({ code: 'nothing_to_promote', message: expect.stringMatching(/has not reached its horizon/) });
  });

  it('copies the winning variant into the settings once the result is final and B won', async () => {
    const { id } = (await call('post', '/api/experiments', emailTest)).body;
    await countCases(id, 'A', 50, 10);
    await countCases(id, 'B', 50, 30);
    const shown = (await call('get', `/api/experiments/${id}`)).body;
    expect(shown).toMatchObject({ status: 'finished', result: { final: true, winner: 'B' } });
    expect(shown.result.difference).toMatchObject({ estimate: expect.closeTo(0.4, 10) });
    expect(shown.result.pValue).toBeLessThan(0.05);

    const response = await promote(id);
    expect(response.status).toBe(200);
    expect(response.body.experiment).toMatchObject({ id, status: 'finished' });
    expect(response.body.settings).toMatchObject({ object: 'settings', dunning: { steps: [{ custom: { subject: 'Quick fix for {{productName}}' } }] } });
    expect((await call('get', '/api/settings')).body.dunning.steps).toHaveLength(1);
  });

  it('refuses when there is no significant difference, and when A won: nothing to promote', async () => {
    const even = (await call('post', '/api/experiments', emailTest)).body.id;
    await countCases(even, 'A', 50, 20);
    await countCases(even, 'B', 50, 22);
    expect((await promote(even)).body.error.message).toMatch(/No significant difference/);
    const aWins = (await call('post', '/api/experiments', emailTest)).body.id;
    await countCases(aWins, 'A', 50, 30);
    await countCases(aWins, 'B', 50, 10);
    const response = await promote(aWins);
    expect(response.status).toBe(409);
    expect(response.body.error.message).toMatch(/arm A\) won: nothing to promote/);
    expect((await call('get', '/api/settings')).body.dunning.steps).toHaveLength(4);
  });

  it('copies a winning retry-policy variant over the current policy', async () => {
    const { id } = (await call('post', '/api/experiments', { name: 'Fewer retries', kind: 'retry_policy', variant: { retryPolicy: { maxAttempts: 4, windowDays: 14 } }, horizonCases: 50 })).body;
    await countCases(id, 'A', 50, 10);
    await countCases(id, 'B', 50, 30);
    const response = await promote(id);
    expect(response.status).toBe(200);
    // The variant's fields replace the current policy's; the rest (the gaps) stay the account's.
    expect(response.body.settings.retryPolicy).toMatchObject({ maxAttempts: 4, windowDays: 14, gapsHours: DEFAULT_RETRY_POLICY.gapsHours });
  });
});

describe('GET /api/experiments/horizon', () => {
  it('suggests ended cases per arm from a baseline share and the smallest change worth finding', async () => {
    const response = await call('get', '/api/experiments/horizon?baselineShare=0.3&minimumDetectableEffect=0.05');
    expect(response.body).toEqual({ object: 'experiment_horizon', baselineShare: 0.3, minimumDetectableEffect: 0.05, horizonCases: 1377 });
    expect((await call('get', '/api/experiments/horizon?baselineShare=1.5&minimumDetectableEffect=0.05')).body.error).toMatchObject({ param: 'baselineShare' });
  });
});
