import { createHash, timingSafeEqual } from 'node:crypto';
import Router from '@koa/router';
import type { ParameterizedContext } from 'koa';
import getRawBody from 'raw-body';
import type { Logger } from 'pino';
import { basicCredentials, webhookCredentialsMatch, type AccountStore } from '../accounts';
import { parsePostmarkRecord, type PostmarkRecord } from '../adapters/postmark';
import type { Clock } from '../clock';
import type { SuppressionStore } from '../dunning';
import { AppError } from '../errors';
import { recordEmailEvent, type CaseStore, type RecoveryService } from '../recovery';
import type { RenewalStore } from '../renewals/renewalStore';

/** An account in one mode: what a merchant's own server's webhook may touch. */
interface Tenancy {
  accountId: string;
  livemode: boolean;
}

/**
 * POST /api/webhooks/postmark (the operator's server) and
 * POST /api/webhooks/postmark/accounts/:accountId/:mode (a merchant's own
 * server, with that account's own credentials, acting only on that account in
 * that mode). Postmark signs nothing, so both sit behind basic auth compared
 * in constant time. Each record lands on its case;
 * a hard bounce, complaint or unsubscribe stops every email to the address
 * from that account in that mode. A pre-dunning reminder (metadata kind
 * pre_dunning, no case) counts the same for the address, in the mode of the
 * renewal it was sent on. Records for messages we did not send on the named
 * case or renewal are ignored.
 */
export function createPostmarkWebhookRoutes(deps: {
  username: string;
  password: string;
  cases: CaseStore;
  recovery: RecoveryService;
  suppressions: SuppressionStore;
  renewals: Pick<RenewalStore, 'findBySentReminder'>;
  accounts: Pick<AccountStore, 'find'>;
  clock: Clock;
  logger: Logger;
}): Router {
  const router = new Router();
  const expected = digest(`${deps.username}:${deps.password}`);

  router.post('/api/webhooks/postmark', async (ctx) => {
    const header = ctx.get('authorization');
    const given = header.startsWith('Basic ') ? Buffer.from(header.slice(6), 'base64').toString('utf8') : '';
    // Hashing first gives both sides one length, so the comparison leaks nothing about the secret.
    if (!timingSafeEqual(digest(given), expected)) refuse(ctx);
    await receive(ctx, deps, null);
  });

  router.post('/api/webhooks/postmark/accounts/:accountId/:mode', async (ctx) => {
    const mode = ctx.params.mode;
    if (mode !== 'live' && mode !== 'test') throw new AppError('route_not_found', `No route for ${ctx.method} ${ctx.path}.`, 404);
    const tenancy = { accountId: ctx.params.accountId!, livemode: mode === 'live' };
    const account = await deps.accounts.find(tenancy.accountId, tenancy.livemode);
    const { username, password } = basicCredentials(ctx.get('authorization'));
    // An unknown account answers exactly as wrong credentials do.
    if (!webhookCredentialsMatch(account?.settings?.postmarkWebhook, username, password)) refuse(ctx);
    await receive(ctx, deps, tenancy);
  });

  return router;
}

function refuse(ctx: ParameterizedContext): never {
  ctx.set('WWW-Authenticate', 'Basic realm="postmark-webhooks"');
  throw new AppError('invalid_credentials', 'Wrong or missing credentials for the Postmark webhook.', 401);
}

/** Applies one record; `only` (a merchant's own server) limits it to that account and mode, whatever its metadata says. */
async function receive(ctx: ParameterizedContext, deps: Parameters<typeof createPostmarkWebhookRoutes>[0], only: Tenancy | null): Promise<void> {
  let body: unknown;
  try {
    body = JSON.parse(await getRawBody(ctx.req, { limit: '1mb', encoding: 'utf8' }));
  } catch (error) {
    if ((error as { type?: string }).type === 'entity.too.large') throw new AppError('body_too_large', 'The body is larger than 1 MB.', 413, 'body');
    throw new AppError('malformed_payload', 'The body is not valid JSON.', 400, 'body');
  }
  const parsed = parsePostmarkRecord(body, deps.clock.now());
  if (!parsed.ok) throw new AppError('malformed_payload', parsed.message, 400, 'body');
  const { record } = parsed;

  const event = record.event;
  // A merchant's server reports only that merchant's mail: metadata naming another account is ignored.
  if (only && record.accountId !== only.accountId) {
    deps.logger.info({ accountId: only.accountId, outcome: 'other_account' }, 'postmark event names another account; ignored');
    ctx.body = { received: true, applied: false };
    return;
  }
  const inScope = (found: Tenancy) => !only || (found.accountId === only.accountId && found.livemode === only.livemode);
  if (!record.caseId && record.accountId && record.reminderSubscriptionId) {
    // Postmark signs nothing: act only on a reminder we sent, found by its message id on the renewal the metadata names.
    const sent = await deps.renewals.findBySentReminder(record.accountId, record.reminderSubscriptionId, event.messageId);
    const renewal = sent && inScope(sent) ? sent : null;
    const applied = renewal !== null && record.recipient !== null;
    if (applied) await applyToAddress(deps.suppressions, { accountId: renewal.accountId, livemode: renewal.livemode }, record.recipient!, event);
    deps.logger.info({ accountId: record.accountId, subscriptionId: record.reminderSubscriptionId, outcome: applied ? event.kind : 'unknown_message' }, 'postmark event for a reminder');
    ctx.body = { received: true, applied };
    return;
  }
  // Postmark signs nothing and metadata is whatever the sender wrote: act only on a message we sent on the case it names.
  const sentOn = record.accountId && record.caseId ? await deps.cases.findBySentEmail(record.accountId, record.caseId, event.messageId) : null;
  const found = sentOn && inScope(sentOn) ? sentOn : null;
  if (!found) {
    deps.logger.info({ accountId: record.accountId, caseId: record.caseId, outcome: 'unknown_message' }, 'postmark event for no email we sent; ignored');
    ctx.body = { received: true, applied: false };
    return;
  }
  // Suppressions are per account and mode, as the case the email was sent on.
  if (record.recipient) await applyToAddress(deps.suppressions, { accountId: found.accountId, livemode: found.livemode }, record.recipient, event);
  if (event.kind === 'resubscribed') {
    ctx.body = { received: true, applied: false };
    return;
  }
  await deps.recovery.mutate(found.accountId, found, (fresh) => recordEmailEvent(fresh, event));
  deps.logger.info({ accountId: found.accountId, caseId: found.id, outcome: event.kind }, 'postmark event recorded');
  ctx.body = { received: true, applied: true };
}

/** A hard bounce, complaint or unsubscribe stops every email to the address from the account in that mode; a resubscribe lifts an unsubscribe. */
async function applyToAddress(suppressions: SuppressionStore, tenancy: { accountId: string; livemode: boolean }, recipient: string, event: PostmarkRecord['event']): Promise<void> {
  if (event.kind === 'resubscribed') await suppressions.lift(tenancy.accountId, tenancy.livemode, recipient);
  const reason =
    event.kind === 'bounced' && event.permanent ? 'hard_bounce'
    : event.kind === 'complained' ? 'spam_complaint'
    : event.kind === 'unsubscribed' ? 'unsubscribed'
    : null;
  if (reason) await suppressions.suppress({ ...tenancy, email: recipient, reason, at: event.at });
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
