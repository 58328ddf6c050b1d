import { templateOf, type Locale, type MessageKey } from '../i18n';
import type { CopyVariant, EmailCopy, StepTone } from './dunningSteps';

/**
 * Our default emails: short, kind, one clear action, in the customer's
 * language. Built as templates (see emailTemplates.ts) from the message
 * catalogs, so merchants start from them when they write their own.
 */

const openings: Record<StepTone, MessageKey> = {
  soft_reminder: 'dunning.opening.softReminder',
  retry_notice: 'dunning.opening.retryNotice',
  urgent_reminder: 'dunning.opening.urgentReminder',
  final_notice: 'dunning.opening.finalNotice',
};

function subjectOf(tone: StepTone, locale: Locale): string {
  switch (tone) {
    case 'soft_reminder':
      return templateOf(locale, 'dunning.subject.softReminder');
    case 'retry_notice':
      // A retry is promised only when one is planned (nextRetryDate is set only then).
      return `{{#if nextRetryDate}}${templateOf(locale, 'dunning.subject.retryPlanned')}{{else}}${templateOf(locale, 'dunning.subject.stillOutstanding')}{{/if}}`;
    case 'urgent_reminder':
      return templateOf(locale, 'dunning.subject.urgentReminder');
    case 'final_notice':
      return templateOf(locale, 'dunning.subject.finalNotice');
  }
}

function actionOf(variant: CopyVariant, locale: Locale): { text: string; button: string; link: 'updateLink' | 'invoiceLink' } {
  const t = (key: MessageKey) => templateOf(locale, key);
  switch (variant) {
    case 'insufficient_funds':
      return { text: `{{#if nextRetryDate}}${t('dunning.insufficientFunds.retryOn')}{{else}}${t('dunning.insufficientFunds.retrySoon')}{{/if}}`, button: t('dunning.insufficientFunds.button'), link: 'updateLink' };
    case 'card_must_change':
      return { text: t('dunning.cardMustChange.text'), button: t('email.updateCardButton'), link: 'updateLink' };
    case 'authentication_required':
      return { text: `${t('dunning.authentication.text')}{{#if updateLink}} ${t('dunning.authentication.otherCard')}{{/if}}`, button: t('dunning.authentication.button'), link: 'invoiceLink' };
    case 'general':
      return { text: `{{#if nextRetryDate}}${t('dunning.general.retryOn')} {{/if}}${t('dunning.general.text')}`, button: t('email.updateCardButton'), link: 'updateLink' };
  }
}

/**
 * The greeting, the questions line and the sign-off every email shares, around its own paragraphs.
 * `questionsLeadIn` goes before the questions line (pre-dunning's "Already updated it?"); `withQuestions: false` leaves it out.
 */
export function emailFrame(
  locale: Locale,
  paragraphs: string[],
  action: { button: string; link: string } | null,
  options: { withQuestions?: boolean; questionsLeadIn?: string } = {},
): Omit<EmailCopy, 'subject'> {
  const t = (key: MessageKey) => templateOf(locale, key);
  const withQuestions = options.withQuestions ?? true;
  const questions = `${options.questionsLeadIn ? `${options.questionsLeadIn} ` : ''}{{#if supportEmail}}${t('email.questionsOrWrite')}{{else}}${t('email.questions')}{{/if}}`;
  const html =
    `<p>${t('email.greeting')}</p>${paragraphs.map((paragraph) => `<p>${paragraph}</p>`).join('')}` +
    (action ? `<p><a class="button" href="${action.link}">${action.button}</a></p>` : '') +
    (withQuestions ? `<p>${questions}</p>` : '') +
    `<p>${t('email.signOff')}<br>{{merchantName}}</p>`;
  const text =
    `${t('email.greeting')}\n\n${paragraphs.join('\n\n')}\n\n` +
    (action ? `${action.button}: ${action.link}\n\n` : '') +
    (withQuestions ? `${questions}\n\n` : '') +
    `${t('email.signOff')}\n{{merchantName}}\n`;
  return { html, text };
}

export function defaultCopy(tone: StepTone, variant: CopyVariant, locale: Locale = 'en'): EmailCopy {
  const action = actionOf(variant, locale);
  const frame = emailFrame(locale, [templateOf(locale, openings[tone]), action.text], { button: action.button, link: `{{${action.link}}}` });
  return { ...frame, subject: subjectOf(tone, locale) };
}

/** The thank-you after a recovered payment. */
export function confirmationDefaultCopy(locale: Locale = 'en'): EmailCopy {
  const frame = emailFrame(locale, [templateOf(locale, 'confirmation.body')], null, { withQuestions: false });
  return { ...frame, subject: templateOf(locale, 'confirmation.subject') };
}
