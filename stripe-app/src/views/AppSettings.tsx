import type { ExtensionContextValue } from '@stripe/ui-extension-sdk/context';
import { Badge, Banner, Box, Button, Divider, Inline, List, ListItem, Select, SettingsView, Switch, TextField } from '@stripe/ui-extension-sdk/ui';
import { useState } from 'react';
import type { BackendClient } from '../api/backendClient';
import { CUSTOMER_LANGUAGES, type ApiKeySummary, type CustomerLanguage, type DunningStepSetting, type EmailPreview, type MerchantSettings } from '../api/contract';
import { formatWhen } from '../format';
import { useBackend, useLoaded } from '../shared/backend';
import { canChangeSettings, whySettingsAreReadOnly } from '../shared/permissions';
import { LoadFailed, Loading } from '../shared/states';
import { WholeNumberField } from '../shared/WholeNumberField';
import { BeforeRenewals } from './settings/BeforeRenewals';
import { Experiments } from './settings/Experiments';
import { DunningStepFields, numbersInRetryPolicy, RetryPolicyFields } from './settings/policyFields';
import { Sender } from './settings/Sender';
import { WebhookEndpoints } from './settings/WebhookEndpoints';

/** Settings: retry policy, the email sequence with previews, reminders before renewals and the risk alert threshold, branding, the sender and Postmark, the end action, the holdout, API keys, webhook endpoints and experiments. */
const AppSettings = (context: ExtensionContextValue) => {
  const backend = useBackend(context);
  const { loaded, reload } = useLoaded(async () => Promise.all([backend.settings(), backend.apiKeys()]), 'settings');
  // A promoted experiment changed the saved settings: the form is built again from them, and says why.
  const [promoted, setPromoted] = useState<string | null>(null);
  const onPromoted = (message: string) => {
    setPromoted(message);
    reload();
  };
  if (loaded.state === 'loading') return <SettingsView><Loading what="your settings" /></SettingsView>;
  if (loaded.state === 'error') return <SettingsView><LoadFailed message={loaded.message} onRetry={reload} /></SettingsView>;
  return <SettingsForm saved={loaded.data[0]} keys={loaded.data[1].data} backend={backend} canSave={canChangeSettings(context.userContext.roles)} readOnlyReason={whySettingsAreReadOnly(context.userContext.roles)} locale={context.userContext.locale} promoted={promoted} onPromoted={onPromoted} />;
};

type Draft = Pick<MerchantSettings, 'retryPolicy' | 'dunning' | 'branding' | 'holdoutShare' | 'preDunning' | 'renewalRisk' | 'language'>;

/** Every number the form edits; a NaN among them is a field the merchant left empty or half-typed. */
function numbersIn(draft: Draft): number[] {
  return [...numbersInRetryPolicy(draft.retryPolicy), ...draft.dunning.steps.map((step) => step.dayOffset), draft.holdoutShare, ...draft.preDunning.steps.map((step) => step.daysBefore), draft.renewalRisk.alertThreshold];
}

/** Each language in its own words, as customers would recognise it. */
const LANGUAGE_NAMES: Record<CustomerLanguage, string> = { en: 'English', de: 'Deutsch', fr: 'Français', es: 'Español', it: 'Italiano', nl: 'Nederlands', 'pt-BR': 'Português (Brasil)', ja: '日本語' };

/** The holdout is typed in whole percent (0–50) and saved as a fraction (0–0.5). */
const MAX_HOLDOUT_PERCENT = 50;

function SettingsForm({ saved, keys, backend, canSave, readOnlyReason, locale, promoted, onPromoted }: { saved: MerchantSettings; keys: ApiKeySummary[]; backend: BackendClient; canSave: boolean; readOnlyReason: string; locale: string; promoted: string | null; onPromoted: (message: string) => void }) {
  const [draft, setDraft] = useState<Draft>({ retryPolicy: saved.retryPolicy, dunning: saved.dunning, branding: saved.branding, holdoutShare: saved.holdoutShare, preDunning: saved.preDunning, renewalRisk: saved.renewalRisk, language: saved.language });
  const [current, setCurrent] = useState(saved);
  const [status, setStatus] = useState<{ type: 'default' | 'critical'; text: string } | null>(promoted ? { type: 'default', text: promoted } : null);
  const [preview, setPreview] = useState<EmailPreview | null>(null);

  const setRetry = (change: Partial<Draft['retryPolicy']>) => setDraft((before) => ({ ...before, retryPolicy: { ...before.retryPolicy, ...change } }));
  const setStep = (index: number, change: Partial<DunningStepSetting>) =>
    setDraft((before) => ({ ...before, dunning: { ...before.dunning, steps: before.dunning.steps.map((step, at) => (at === index ? { ...step, ...change } : step)) } }));
  const setBranding = (change: Partial<Draft['branding']>) => setDraft((before) => ({ ...before, branding: { ...before.branding, ...change } }));

  async function save() {
    if (!canSave) return;
    // JSON has no NaN: an unfinished number would reach the backend as null and be refused with a less helpful message.
    if (numbersIn(draft).some(Number.isNaN)) {
      setStatus({ type: 'critical', text: 'Enter a whole number in every number field.' });
      return;
    }
    if (draft.holdoutShare < 0 || draft.holdoutShare > MAX_HOLDOUT_PERCENT / 100) {
      setStatus({ type: 'critical', text: `The holdout share is a percentage from 0 to ${MAX_HOLDOUT_PERCENT}.` });
      return;
    }
    setStatus(null);
    try {
      const next = await backend.saveSettings({
        retryPolicy: {
          windowDays: draft.retryPolicy.windowDays,
          maxAttempts: draft.retryPolicy.maxAttempts,
          endAction: draft.retryPolicy.endAction,
          networkLimits: draft.retryPolicy.networkLimits,
        },
        dunning: draft.dunning,
        branding: draft.branding,
        holdoutShare: draft.holdoutShare,
        preDunning: draft.preDunning,
        renewalRisk: draft.renewalRisk,
        language: draft.language,
      });
      setCurrent(next);
      setStatus({ type: 'default', text: 'Saved.' });
    } catch (error) {
      // The form keeps what the merchant typed, so the one wrong value can be fixed.
      setStatus({ type: 'critical', text: error instanceof Error ? error.message : String(error) });
    }
  }

  async function showPreview(stepIndex: number) {
    try {
      setPreview(await backend.previewEmail(stepIndex, { dunning: draft.dunning, branding: draft.branding }));
    } catch (error) {
      setStatus({ type: 'critical', text: error instanceof Error ? error.message : String(error) });
    }
  }

  return (
    <SettingsView {...(canSave ? { onSave: () => void save() } : {})} statusMessage={status?.type === 'default' ? status.text : undefined}>
      <Box css={{ stack: 'y', gap: 'large' }}>
        {!canSave && <Banner type="caution" title="Read-only" description={readOnlyReason} />}
        {status?.type === 'critical' && <Banner type="critical" title="Not saved" description={status.text} />}

        <Inline css={{ font: 'heading' }}>Smart retries</Inline>
        <RetryPolicyFields policy={draft.retryPolicy} disabled={!canSave} onChange={setRetry} />
        <List>
          {current.networkLimitNotes.map((note) => (
            <ListItem key={note} title={note} />
          ))}
        </List>

        <Divider />
        <Inline css={{ font: 'heading' }}>Dunning emails</Inline>
        <Switch label="Send dunning emails" checked={draft.dunning.enabled} disabled={!canSave} onChange={(event) => setDraft((before) => ({ ...before, dunning: { ...before.dunning, enabled: event.target.checked } }))} />
        {draft.dunning.steps.map((step, index) => (
          <DunningStepFields key={index} index={index} step={step} disabled={!canSave} onChange={(change) => setStep(index, change)} onPreview={() => void showPreview(index)} />
        ))}
        {preview && (
          <Box css={{ stack: 'y', gap: 'small', padding: 'small', backgroundColor: 'container' }}>
            <Inline css={{ font: 'subheading' }}>{preview.subject}</Inline>
            <Inline css={{ font: 'body' }}>{preview.text}</Inline>
          </Box>
        )}

        <Divider />
        <BeforeRenewals
          preDunning={draft.preDunning}
          alertThreshold={draft.renewalRisk.alertThreshold}
          branding={draft.branding}
          backend={backend}
          disabled={!canSave}
          onPreDunning={(preDunning) => setDraft((before) => ({ ...before, preDunning }))}
          onAlertThreshold={(alertThreshold) => setDraft((before) => ({ ...before, renewalRisk: { alertThreshold } }))}
        />

        <Divider />
        <Inline css={{ font: 'heading' }}>Customers' language</Inline>
        <Select
          label="Default language"
          description="Emails and the card-update page use the customer's preferred language from Stripe when we have it; otherwise this one."
          value={draft.language}
          disabled={!canSave}
          onChange={(event) => setDraft((before) => ({ ...before, language: event.target.value as Draft['language'] }))}
        >
          {CUSTOMER_LANGUAGES.map((language) => (
            <option key={language} value={language}>{LANGUAGE_NAMES[language]}</option>
          ))}
        </Select>

        <Divider />
        <Inline css={{ font: 'heading' }}>Branding</Inline>
        <TextField label="Business name" value={draft.branding.merchantName} disabled={!canSave} onChange={(event) => setBranding({ merchantName: event.target.value })} />
        <TextField label="Product name" value={draft.branding.productName} disabled={!canSave} onChange={(event) => setBranding({ productName: event.target.value })} />
        <TextField label="Accent colour (#RRGGBB)" value={draft.branding.accentColor} disabled={!canSave} onChange={(event) => setBranding({ accentColor: event.target.value })} />
        <TextField label="Logo URL (https)" value={draft.branding.logoUrl ?? ''} disabled={!canSave} onChange={(event) => setBranding({ logoUrl: event.target.value || null })} />
        <TextField label="Support email" type="email" value={draft.branding.supportEmail ?? ''} disabled={!canSave} onChange={(event) => setBranding({ supportEmail: event.target.value || null })} />

        <Divider />
        <Sender saved={current} backend={backend} canChange={canSave} onSaved={setCurrent} />

        <Divider />
        <Inline css={{ font: 'heading' }}>Holdout</Inline>
        <WholeNumberField
          label="Holdout share (%)"
          description="This share of failed payments gets no action from us (Stripe's own retries and emails carry on), so the home page can show what recovery adds. 0 turns it off."
          value={Math.round(saved.holdoutShare * 100)}
          disabled={!canSave}
          onValue={(percent) => setDraft((before) => ({ ...before, holdoutShare: percent / 100 }))}
        />

        <Divider />
        <ApiKeys initial={keys} backend={backend} canChange={canSave} locale={locale} />

        <Divider />
        <WebhookEndpoints backend={backend} canChange={canSave} locale={locale} />

        <Divider />
        <Experiments backend={backend} canChange={canSave} settings={current} onPromoted={onPromoted} />
      </Box>
    </SettingsView>
  );
}

function ApiKeys({ initial, backend, canChange, locale }: { initial: ApiKeySummary[]; backend: BackendClient; canChange: boolean; locale: string }) {
  const [keys, setKeys] = useState(initial);
  const [name, setName] = useState('');
  const [scope, setScope] = useState<ApiKeySummary['scope']>('read');
  const [shown, setShown] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  async function create() {
    setProblem(null);
    try {
      const created = await backend.createApiKey(name.trim(), scope);
      setShown(created.key);
      setName('');
      setKeys((before) => [{ ...created }, ...before]);
    } catch (error) {
      setProblem(error instanceof Error ? error.message : String(error));
    }
  }

  async function revoke(id: string) {
    setProblem(null);
    try {
      await backend.revokeApiKey(id);
      setKeys((before) => before.map((key) => (key.id === id ? { ...key, revokedAt: new Date().toISOString() } : key)));
    } catch (error) {
      setProblem(error instanceof Error ? error.message : String(error));
    }
  }

  return (
    <Box css={{ stack: 'y', gap: 'small' }}>
      <Inline css={{ font: 'heading' }}>API keys</Inline>
      {problem && <Banner type="critical" title={problem} />}
      {shown && <Banner type="caution" title="Copy this key now: it is not shown again." description={shown} onDismiss={() => setShown(null)} />}
      {keys.length === 0 ? (
        <Inline css={{ color: 'secondary' }}>No API keys yet.</Inline>
      ) : (
        <List>
          {keys.map((key) => (
            <ListItem
              key={key.id}
              title={`${key.name} (${key.prefix}…)`}
              secondaryTitle={`${key.scope === 'read' ? 'Read' : 'Read and write'} · last used ${key.lastUsedAt ? formatWhen(key.lastUsedAt, locale) : 'never'}`}
              value={
                key.revokedAt ? (
                  <Badge type="neutral">Revoked</Badge>
                ) : canChange ? (
                  <Button size="small" type="destructive" onPress={() => void revoke(key.id)}>Revoke</Button>
                ) : undefined
              }
            />
          ))}
        </List>
      )}
      {canChange && (
        <Box css={{ stack: 'x', gap: 'small', alignY: 'bottom' }}>
          <TextField label="New key's name" value={name} onChange={(event) => setName(event.target.value)} />
          <Select label="Access" value={scope} onChange={(event) => setScope(event.target.value as ApiKeySummary['scope'])}>
            <option value="read">Read</option>
            <option value="read_write">Read and write</option>
          </Select>
          <Button disabled={!name.trim()} onPress={() => void create()}>Create key</Button>
        </Box>
      )}
    </Box>
  );
}

export default AppSettings;
