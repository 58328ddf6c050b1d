import Router from '@koa/router';
import type { Clock } from '../clock';
import { previewStep, validateDunningSettings } from '../dunning';
import { AppError } from '../errors';
import { previewReminder, validatePreDunningSettings } from '../preDunning';
import type { RetryPolicy } from '../retryPolicy';
import type { MerchantSettings, SettingsService } from '../settings';
import { merchantOf, requireWrite } from './merchantAuth';
import { emailPreviewBody, identityQuery, preDunningPreviewBody, settingsBody } from './schemas';
import { parseInput } from './validation';

/** The card-network limits in words, so the settings view can say what each number protects. */
function networkLimitNotes(policy: RetryPolicy): string[] {
  const limits = policy.networkLimits;
  return [
    `Visa: at most ${limits.visaMaxReattemptsPer30Days} reattempts per card in any 30 days (Visa allows up to 20; more brings fines). "Never approve" declines are never retried.`,
    `Mastercard: at most ${limits.mastercardMaxDeclinesPer24h} declined attempts per card in 24 hours and ${limits.mastercardMaxDeclinesPer30Days} in 30 days. Advice codes 03 and 21 stop retries; 24–30 ask for a minimum wait.`,
    `Your own attempts stop after ${policy.maxAttempts} per case, inside a ${policy.windowDays}-day window, and never within ${policy.stripeRetryClearanceHours} hours of a retry Stripe has scheduled itself.`,
  ];
}

/** The settings as GET /api/settings shows them (also in a promoted experiment's answer). */
export const settingsView = (settings: MerchantSettings) => ({ object: 'settings', ...settings, networkLimitNotes: networkLimitNotes(settings.retryPolicy) });

/** GET/PUT /api/settings, POST /api/settings/email-preview and /pre-dunning-preview. A refused change saves nothing and says why. */
export function createSettingsRoutes(deps: { settings: SettingsService; clock: Clock }): Router {
  const router = new Router();

  router.get('/api/settings', async (ctx) => {
    parseInput(identityQuery, ctx.query);
    const merchant = merchantOf(ctx);
    ctx.body = settingsView(await deps.settings.read(merchant.accountId, merchant.livemode));
  });

  router.put('/api/settings', async (ctx) => {
    const merchant = requireWrite(ctx);
    const { user_id: _user, account_id: _account, livemode: _livemode, ...change } = parseInput(settingsBody, ctx.state.body);
    const result = await deps.settings.update(merchant.accountId, merchant.livemode, change, deps.clock.now());
    if (!result.ok) {
      const first = result.problems[0]!;
      throw new AppError(result.code ?? 'settings_invalid', result.problems.join('; '), result.status ?? 400, first.slice(0, first.indexOf(':')) || undefined);
    }
    // Saved, but not quite as sent: the merchant sees which template parts the HTML sanitizer changed.
    ctx.body = {
      ...settingsView(await deps.settings.read(merchant.accountId, merchant.livemode)),
      ...(result.sanitizerRemoved ? { sanitizerRemoved: result.sanitizerRemoved } : {}),
      // The password is in this answer only: we keep its hash.
      ...(result.postmarkWebhookCredentials ? { postmarkWebhookCredentials: result.postmarkWebhookCredentials } : {}),
    };
  });

  router.post('/api/settings/postmark-webhook-credentials', async (ctx) => {
    const merchant = requireWrite(ctx);
    parseInput(identityQuery, ctx.state.body);
    const shown = await deps.settings.rotatePostmarkWebhookCredentials(merchant.accountId, merchant.livemode, deps.clock.now());
    if (!shown) throw new AppError('postmark_not_configured', 'Save your own Postmark server token first: webhook credentials are for your own server.', 409);
    ctx.body = { object: 'postmark_webhook_credentials', ...shown };
  });

  router.post('/api/settings/email-preview', async (ctx) => {
    const merchant = merchantOf(ctx);
    const body = parseInput(emailPreviewBody, ctx.state.body);
    const saved = await deps.settings.read(merchant.accountId, merchant.livemode);
    // Unsaved edits preview as they would be sent: the form's sequence and branding win over the stored ones.
    const dunning = body.dunning ?? saved.dunning;
    const problems = body.dunning ? validateDunningSettings(body.dunning) : [];
    if (problems.length > 0) throw new AppError('template_invalid', problems.map((problem) => `dunning.${problem}`).join('; '), 400, 'dunning');
    // In the language asked for, else the merchant's: what a customer in it would get.
    const preview = previewStep(dunning, body.stepIndex, body.variant, { ...saved.branding, ...body.branding }, body.locale ?? saved.language, saved.language);
    if (!preview) throw new AppError('parameter_invalid', `stepIndex: the sequence has ${dunning.steps.length} step(s)`, 400, 'stepIndex');
    ctx.body = { object: 'email_preview', subject: preview.subject, html: preview.htmlBody, text: preview.textBody };
  });

  router.post('/api/settings/pre-dunning-preview', async (ctx) => {
    const merchant = merchantOf(ctx);
    const body = parseInput(preDunningPreviewBody, ctx.state.body);
    const saved = await deps.settings.read(merchant.accountId, merchant.livemode);
    // As PUT would store it: the form's parts over the saved sequence.
    const preDunning = { ...saved.preDunning, ...body.preDunning };
    const problems = body.preDunning ? validatePreDunningSettings(preDunning) : [];
    if (problems.length > 0) throw new AppError('template_invalid', problems.map((problem) => `preDunning.${problem}`).join('; '), 400, 'preDunning');
    const preview = previewReminder(preDunning, body.stepIndex, { ...saved.branding, ...body.branding }, body.locale ?? saved.language, saved.language);
    if (!preview) throw new AppError('parameter_invalid', `stepIndex: the sequence has ${preDunning.steps.length} step(s)`, 400, 'stepIndex');
    ctx.body = { object: 'email_preview', subject: preview.subject, html: preview.htmlBody, text: preview.textBody };
  });

  return router;
}
