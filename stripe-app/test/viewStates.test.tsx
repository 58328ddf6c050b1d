import { Banner, ListItem, Spinner } from '@stripe/ui-extension-sdk/ui';
import type { ReactElement } from 'react';
import AppSettings from '../src/views/AppSettings';
import CustomerDetail from '../src/views/CustomerDetail';
import HomeOverview from '../src/views/HomeOverview';
import InvoiceDetail from '../src/views/InvoiceDetail';
import { componentsIn, errorBody, fakeBackend, renderView, viewProps } from './fakeBackend';
import { activeCase, apiKeys, atRisk, attention, lift, settings, stats } from './fixtures';

/**
 * Every view of the manifest, side by side: a spinner while its data loads,
 * the backend's own message with "Try again" when loading fails (and the data
 * once it works again), and words, not a blank panel, when there is nothing
 * to show. The settings always exist, so the settings view has no empty state.
 */

type Answers = Parameters<typeof fakeBackend>[0];
type Wrapper = ReturnType<typeof renderView>['wrapper'];
const list = { body: { object: 'list', data: [] } };
const outage = { status: 503, body: errorBody('The database is unavailable.', 'api_error') };

interface ViewCase {
  name: string;
  view: () => ReactElement;
  /** The answers the view loads from, when all is well. */
  answers: Answers;
  /** The request whose failure is the view's own error. */
  main: string;
  /** Checks that the loaded data shows. */
  showsData: (wrapper: Wrapper) => void;
  empty?: { answers: Answers; text: string };
}

const VIEWS: ViewCase[] = [
  {
    name: 'HomeOverview',
    view: () => <HomeOverview {...viewProps()} />,
    answers: { 'GET /api/dashboard/stats': { body: stats }, 'GET /api/dashboard/attention': { body: attention }, 'GET /api/dashboard/lift': { body: lift }, 'GET /api/dashboard/at-risk': { body: atRisk } },
    main: 'GET /api/dashboard/stats',
    showsData: (wrapper) => expect(wrapper).toContainText('Recovered this month'),
    empty: { answers: { 'GET /api/dashboard/stats': { body: { ...stats, failedThisMonth: 0, recoveredTotal: 0, activeSequences: 0 } } }, text: 'No failed payments yet.' },
  },
  {
    name: 'InvoiceDetail',
    view: () => <InvoiceDetail {...viewProps({ objectId: 'in_42' })} />,
    answers: { 'GET /api/recovery/status': { body: activeCase } },
    main: 'GET /api/recovery/status',
    showsData: (wrapper) => expect(wrapper).toContainText('Retry now'),
    empty: { answers: { 'GET /api/recovery/status': { status: 404, body: errorBody('No recovery case for invoice in_42.', 'not_found_error') } }, text: 'No recovery for this invoice' },
  },
  {
    name: 'CustomerDetail',
    view: () => <CustomerDetail {...viewProps({ objectId: 'cus_42' })} />,
    answers: { 'GET /api/recovery/status': { body: { object: 'list', data: [activeCase] } }, 'POST /api/predict/risk': { status: 404, body: errorBody('No active subscription.', 'not_found_error') } },
    main: 'GET /api/recovery/status',
    showsData: (wrapper) => expect(wrapper.find(ListItem, { title: '$49.00 · in_42' })).not.toBeNull(),
    empty: { answers: { 'GET /api/recovery/status': list }, text: "None of this customer's payments has needed recovery." },
  },
  {
    name: 'AppSettings',
    view: () => <AppSettings {...viewProps({ roles: [{ id: 'admin', name: 'Administrator', type: 'builtIn' }] })} />,
    answers: { 'GET /api/settings': { body: settings }, 'GET /api/api-keys': { body: apiKeys }, 'GET /api/webhook-endpoints': list, 'GET /api/experiments': list },
    main: 'GET /api/settings',
    showsData: (wrapper) => expect(wrapper).toContainText('Smart retries'),
  },
];

function open(view: ViewCase, answers: Answers) {
  const backend = fakeBackend({ ...view.answers, ...answers });
  return renderView(backend.withBackend(view.view()));
}

describe.each(VIEWS)('$name', (view) => {
  it('shows a spinner while its data loads', () => {
    expect(open(view, {}).wrapper).toContainComponent(Spinner);
  });

  it("shows the backend's message when loading fails, and the data after Try again", async () => {
    let healthy = false;
    const { wrapper, update } = open(view, { [view.main]: () => (healthy ? view.answers[view.main] as { body: unknown } : outage) });
    await update();
    const banner = wrapper.find(Banner, { type: 'critical', description: 'The database is unavailable.' });
    expect(banner).not.toBeNull();
    healthy = true;
    (componentsIn(banner!.prop('actions')).find((each) => each.text === 'Try again')!.props.onPress as () => void)();
    await update();
    await update();
    expect(wrapper.find(Banner, { type: 'critical', description: 'The database is unavailable.' })).toBeNull();
    view.showsData(wrapper);
  });

  if (view.empty) {
    const empty = view.empty;
    it(`says "${empty.text}" when there is nothing to show`, async () => {
      const { wrapper, update } = open(view, empty.answers);
      await update();
      expect(wrapper).toContainText(empty.text);
    });
  }
});
