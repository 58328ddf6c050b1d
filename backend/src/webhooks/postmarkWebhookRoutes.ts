import { createHash, timingSafeEqual } from 'node:crypto';
import Router from '@koa/router';
import getRawBody from 'raw-body';
import type { Logger } from 'pino';
import { parsePostmarkRecord } from '../adapters/postmark';
import type { Clock } from '../clock';
import type { SuppressionStore } from '../dunning';
import { AppError } from '../errors';
import { recordEmailEvent, type CaseStore, type RecoveryService } from '../recovery';

/**
 * POST /api/webhooks/postmark. Postmark signs nothing, so the endpoint sits
 * behind basic auth compared in constant time. Each record lands on its case;
 * a hard bounce, complaint or unsubscribe stops every email to the address
 * from that account in that mode. Records for messages we did not send on the named case are ignored.
 */
export function createPostmarkWebhookRoutes(deps: {
  username: string;
  password: string;
  cases: CaseStore;
  recovery: RecoveryService;
  suppressions: SuppressionStore;
  clock: Clock;
  logger: Logger;
}): Router {
  const router = new Router();
  const expected = digest(`${deps.username}:${deps.password}`);

  router.post('/api/webhooks/postmark', async (ctx) => {
    const header = ctx.get('authorization');
    const given = header.startsWith('Basic ') ? Buffer.from(header.slice(6), 'base64').toString('utf8') : '';
    // Hashing first gives both sides one length, so the comparison leaks nothing about the secret.
    if (!timingSafeEqual(digest(given), expected)) {
      ctx.set('WWW-Authenticate', 'Basic realm="postmark-webhooks"');
      throw new AppError('invalid_credentials', 'Wrong or missing credentials for the Postmark webhook.', 401);
    }
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
    // Postmark signs nothing and metadata is whatever the sender wrote: act only on a message we sent on the case it names.
    const found = record.accountId && record.caseId ? await deps.cases.findBySentEmail(record.accountId, record.caseId, event.messageId) : null;
    if (!found) {
      deps.logger.info({ accountId: record.accountId, caseId: record.caseId, outcome: 'unknown_message' }, 'postmark event for no email we sent; ignored');
      ctx.body = { received: true, applied: false };
      return;
    }
    if (record.recipient) {
      // Suppressions are per account and mode, as the case the email was sent on.
      if (event.kind === 'resubscribed') await deps.suppressions.lift(found.accountId, found.livemode, record.recipient);
      const reason =
        event.kind === 'bounced' && event.permanent ? 'hard_bounce'
        : event.kind === 'complained' ? 'spam_complaint'
        : event.kind === 'unsubscribed' ? 'unsubscribed'
        : null;
      if (reason) await deps.suppressions.suppress({ accountId: found.accountId, livemode: found.livemode, email: record.recipient, reason, at: event.at });
    }
    if (event.kind === 'resubscribed') {
      ctx.body = { received: true, applied: false };
      return;
    }
    await deps.recovery.mutate(found.accountId, found, (fresh) => recordEmailEvent(fresh, event));
    deps.logger.info({ accountId: found.accountId, caseId: found.id, outcome: event.kind }, 'postmark event recorded');
    ctx.body = { received: true, applied: true };
  });

  return router;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
