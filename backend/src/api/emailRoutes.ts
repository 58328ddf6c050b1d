import Router from '@koa/router';
import { AppError } from '../errors';
import type { EmailContentStore } from '../dunning';
import type { CaseStore } from '../recovery';
import { merchantOf } from './merchantAuth';
import { caseEmailParams, identityQuery } from './schemas';
import { parseInput } from './validation';

/**
 * GET /api/recovery/emails/:caseId/:index: one email of a case exactly as
 * the customer got it, or, in test mode, as it was recorded instead of sent.
 * The case list only says what happened to each email; this is its content.
 */
export function createEmailRoutes(deps: { cases: CaseStore; emailContents: EmailContentStore }): Router {
  const router = new Router();

  router.get('/api/recovery/emails/:caseId/:index', async (ctx) => {
    const merchant = merchantOf(ctx);
    parseInput(identityQuery, ctx.query);
    const { caseId, index } = parseInput(caseEmailParams, ctx.params);
    // The other mode's case is as unknown as another account's.
    const found = await deps.cases.findById(merchant.accountId, merchant.livemode, caseId);
    if (!found) throw new AppError('no_recovery_case', 'No such recovery case.', 404, 'caseId');
    const email = found.emails[index];
    // Records from before contents were kept apart hold theirs inline.
    const content = email?.contentId ? await deps.emailContents.find({ accountId: found.accountId, livemode: found.livemode, caseId: found.id }, email.contentId) : (email?.content ?? null);
    if (!email || !content) throw new AppError('no_email', `The case has no email ${index} with its content recorded.`, 404, 'index');
    ctx.body = {
      object: 'recovery_email',
      caseId: found.id,
      index,
      kind: email.kind,
      step: email.stepIndex,
      delivery: email.delivery ?? 'sent',
      at: email.sentAt,
      to: content.to,
      from: content.from,
      replyTo: content.replyTo,
      subject: content.subject,
      html: content.html,
      text: content.text,
    };
  });

  return router;
}
