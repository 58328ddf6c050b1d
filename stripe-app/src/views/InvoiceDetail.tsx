import type { ExtensionContextValue, RoleDefinition } from '@stripe/ui-extension-sdk/context';
import { Badge, Banner, Box, Button, ContextView, Inline, List, ListItem, TextField } from '@stripe/ui-extension-sdk/ui';
import { useContext, useState } from 'react';
import { BackendError, type BackendClient } from '../api/backendClient';
import type { CardUpdateLink, CaseControl, CaseDetail, ControlActor, RecoveryEmail } from '../api/contract';
import { formatMoney, formatWhen, methodLabel, statusLabel } from '../format';
import { useBackend, useLoaded } from '../shared/backend';
import { ClipboardContext, copyToClipboard } from '../shared/clipboard';
import { ControlGroupBadge } from '../shared/ControlGroupBadge';
import { canControlCases, whyCasesAreReadOnly } from '../shared/permissions';
import { Empty, LoadFailed, Loading } from '../shared/states';

/** One invoice's recovery case: what happened, what happens next and why, and the merchant's controls. */
const InvoiceDetail = (context: ExtensionContextValue) => {
  const backend = useBackend(context);
  const invoiceId = context.environment.objectContext?.id ?? '';
  const { loaded, reload, replace } = useLoaded(async () => {
    try {
      return await backend.caseOfInvoice(invoiceId);
    } catch (error) {
      // No case is an answer, not a failure: the invoice never failed, or failed before the app was installed.
      if (error instanceof BackendError && error.status === 404) return null;
      throw error;
    }
  }, invoiceId);
  return (
    <ContextView title="Payment recovery" description={invoiceId}>
      {loaded.state === 'loading' && <Loading what="the recovery case" />}
      {loaded.state === 'error' && <LoadFailed message={loaded.message} onRetry={reload} />}
      {loaded.state === 'ready' && loaded.data === null && <Empty>No recovery for this invoice: its payment has not failed since the app was installed.</Empty>}
      {loaded.state === 'ready' && loaded.data && <CaseView found={loaded.data} backend={backend} locale={context.userContext.locale} roles={context.userContext.roles} onChanged={replace} />}
    </ContextView>
  );
};

const CONTROL_DONE: Record<CaseControl, string> = {
  retry: 'Retry scheduled: it runs within a minute, inside the card networks’ limits.',
  remind: 'Reminder on its way to the customer.',
  pause: 'Recovery paused.',
  resume: 'Recovery resumed.',
  cancel: 'Recovery canceled.',
};

/** "by usr_…" for a Dashboard user, "by API key Support tool" for a key; nothing on entries no one asked for. */
function askedBy(by: ControlActor | undefined): string {
  if (!by) return '';
  return by.kind === 'dashboard_user' ? ` · by ${by.userId}` : ` · by API key ${by.keyName}`;
}

/** `roles`: the Dashboard user's; without the right to control cases the view is read-only and says why. */
export function CaseView({ found, backend, locale, roles, onChanged }: { found: CaseDetail; backend: BackendClient; locale: string; roles: RoleDefinition[] | undefined; onChanged: (next: CaseDetail) => void }) {
  const [busy, setBusy] = useState<CaseControl | 'link' | null>(null);
  const [notice, setNotice] = useState<{ type: 'default' | 'critical'; text: string } | null>(null);
  const [link, setLink] = useState<CardUpdateLink | null>(null);
  const [shown, setShown] = useState<RecoveryEmail | null>(null);
  const copyText = useContext(ClipboardContext);
  const open = found.status === 'active';
  const canControl = canControlCases(roles);

  async function showEmail(index: number) {
    setNotice(null);
    try {
      setShown(await backend.email(found.id, index));
    } catch (error) {
      setNotice({ type: 'critical', text: error instanceof Error ? error.message : String(error) });
    }
  }

  async function run(action: CaseControl) {
    setBusy(action);
    setNotice(null);
    try {
      const result = await backend.control(action, found.id);
      // A retry answers "scheduled"; read the case again so its timeline shows the request, without a loading flash.
      onChanged('object' in result ? result : await backend.caseOfInvoice(found.invoiceId ?? ''));
      setNotice({ type: 'default', text: CONTROL_DONE[action] });
    } catch (error) {
      setNotice({ type: 'critical', text: error instanceof Error ? error.message : String(error) });
    } finally {
      setBusy(null);
    }
  }

  async function copyLink() {
    setBusy('link');
    setNotice(null);
    try {
      const fresh = await backend.cardUpdateLink(found.id);
      setLink(fresh);
      const copied = await copyToClipboard(copyText, fresh.url);
      // The link shows below either way, so a missing clipboard is no failure.
      setNotice({ type: 'default', text: `Card-update link ${copied ? 'copied' : 'ready below'}; it works until ${formatWhen(fresh.expiresAt, locale)}.` });
    } catch (error) {
      setNotice({ type: 'critical', text: error instanceof Error ? error.message : String(error) });
    } finally {
      setBusy(null);
    }
  }

  return (
    <Box css={{ stack: 'y', gap: 'large' }}>
      {notice && <Banner type={notice.type} title={notice.text} onDismiss={() => setNotice(null)} />}
      <Box css={{ stack: 'x', gap: 'small', alignY: 'center' }}>
        <Inline css={{ font: 'heading' }}>{formatMoney(found.amountMinor, found.currency, locale)}</Inline>
        <Badge type={found.status === 'recovered' ? 'positive' : open ? (found.paused ? 'warning' : 'info') : 'neutral'}>{statusLabel(found.status, found.paused)}</Badge>
        <ControlGroupBadge group={found.group} />
      </Box>
      {found.outcome?.recoveredBy && <Inline>Recovered by: {methodLabel(found.outcome.recoveredBy)}</Inline>}
      {found.emailStatus === 'undeliverable' && <Banner type="caution" title="Our emails cannot reach this customer" description="Contact them another way, or send them the card-update link." />}

      <Box css={{ stack: 'y', gap: 'xsmall' }}>
        <Inline css={{ font: 'subheading' }}>Next step</Inline>
        <Inline>{found.paused ? 'Paused: nothing happens until someone resumes recovery.' : (found.nextAction?.reason ?? 'Nothing planned.')}</Inline>
        {found.nextAction?.at && !found.paused && <Inline css={{ color: 'secondary' }}>{formatWhen(found.nextAction.at, locale)}</Inline>}
      </Box>

      {!canControl && <Inline css={{ color: 'secondary' }}>{whyCasesAreReadOnly(roles)}</Inline>}
      {canControl && (
        <Box css={{ stack: 'x', gap: 'small', wrap: 'wrap' }}>
          <Button type="primary" disabled={!open || found.paused || busy !== null} pending={busy === 'retry'} onPress={() => void run('retry')}>Retry now</Button>
          <Button disabled={!open || found.paused || busy !== null} pending={busy === 'remind'} onPress={() => void run('remind')}>Send reminder</Button>
          {found.paused ? (
            <Button disabled={!open || busy !== null} pending={busy === 'resume'} onPress={() => void run('resume')}>Resume</Button>
          ) : (
            <Button disabled={!open || busy !== null} pending={busy === 'pause'} onPress={() => void run('pause')}>Pause</Button>
          )}
          <Button disabled={!open || busy !== null} pending={busy === 'link'} onPress={() => void copyLink()}>Copy card-update link</Button>
          <Button type="destructive" disabled={!open || busy !== null} pending={busy === 'cancel'} onPress={() => void run('cancel')}>Cancel recovery</Button>
        </Box>
      )}
      {link && <TextField label="Card-update link" value={link.url} readOnly />}

      <Box css={{ stack: 'y', gap: 'small' }}>
        <Inline css={{ font: 'subheading' }}>Retries</Inline>
        {found.retries.length === 0 ? (
          <Empty>No retries yet.</Empty>
        ) : (
          <List>
            {found.retries.map((retry) => (
              <ListItem
                key={retry.number}
                title={`Retry ${retry.number} · ${formatWhen(retry.at, locale)}`}
                secondaryTitle={retry.decline ? `Declined: ${retry.decline.declineCode ?? retry.decline.code ?? 'unknown reason'}${retry.decline.message ? ` (${retry.decline.message})` : ''}` : retry.trigger === 'new_payment_method' ? 'With the new card' : undefined}
                value={<Badge type={retry.outcome === 'succeeded' ? 'positive' : retry.outcome === 'pending' ? 'info' : 'negative'}>{retry.outcome}</Badge>}
              />
            ))}
          </List>
        )}
      </Box>

      <Box css={{ stack: 'y', gap: 'small' }}>
        <Inline css={{ font: 'subheading' }}>Emails</Inline>
        {found.emails.length === 0 ? (
          <Empty>No emails sent yet.</Empty>
        ) : (
          <List>
            {found.emails.map((email) => (
              <ListItem
                key={email.sentAt}
                title={`${email.kind === 'confirmation' ? 'Thank-you email' : `Reminder ${(email.step ?? 0) + 1}`} · ${formatWhen(email.sentAt, locale)}`}
                secondaryTitle={
                  email.delivery === 'recorded_test_mode'
                    ? 'Test mode: recorded, not sent'
                    : [email.deliveredAt ? 'delivered' : null, email.openedAt ? `opened ${email.opens}×` : null, email.clickedAt ? `clicked ${email.clicks}×` : null].filter(Boolean).join(' · ') || 'sent'
                }
                value={email.delivery === 'recorded_test_mode' ? <Badge type="warning">test mode</Badge> : <Badge type={email.status === 'bounced' || email.status === 'complained' ? 'negative' : 'neutral'}>{email.status}</Badge>}
              />
            ))}
          </List>
        )}
        {found.emails.length > 0 && (
          <Inline css={{ gap: 'small', wrap: 'wrap' }}>
            {found.emails.map((email) => (
              <Button key={email.index} size="small" onPress={() => void showEmail(email.index)}>
                {`View ${email.kind === 'confirmation' ? 'thank-you email' : `reminder ${(email.step ?? 0) + 1}`}`}
              </Button>
            ))}
          </Inline>
        )}
        {shown && (
          <Box css={{ stack: 'y', gap: 'xsmall', padding: 'small' }}>
            {shown.delivery === 'recorded_test_mode' && <Banner type="default" title="Test mode: recorded, not sent" description="In test mode only your Stripe account's own email address receives emails; this is what the customer would get in live mode." />}
            <Inline css={{ font: 'subheading' }}>{shown.subject}</Inline>
            <Inline css={{ font: 'caption' }}>{`To ${shown.to} · from ${shown.from}${shown.replyTo ? ` · reply to ${shown.replyTo}` : ''}`}</Inline>
            <Box css={{ font: 'body' }}>{shown.text}</Box>
            <Button size="small" onPress={() => setShown(null)}>Close</Button>
          </Box>
        )}
      </Box>

      <Box css={{ stack: 'y', gap: 'small' }}>
        <Inline css={{ font: 'subheading' }}>Timeline</Inline>
        <List>
          {[...found.timeline].reverse().map((entry, index) => (
            <ListItem key={`${entry.at}-${index}`} title={entry.summary} secondaryTitle={`${formatWhen(entry.at, locale)}${askedBy(entry.by)}`} />
          ))}
        </List>
      </Box>
    </Box>
  );
}

export default InvoiceDetail;
