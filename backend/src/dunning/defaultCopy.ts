import type { CopyVariant, EmailCopy, StepTone } from './dunningSteps';

/**
 * Our default emails: short, kind, one clear action. Written as templates
 * (see emailTemplates.ts) so merchants start from them when they edit.
 */

const openings: Record<StepTone, string> = {
  soft_reminder: 'We tried to take your payment of {{amount}} for {{productName}}, but it did not go through.',
  retry_notice: 'Your payment of {{amount}} for {{productName}} is still outstanding.',
  urgent_reminder: 'Your payment of {{amount}} for {{productName}} is now a week overdue, and your access may be interrupted.',
  final_notice: 'This is our last reminder: your payment of {{amount}} for {{productName}} is still unpaid, and your subscription will end soon.',
};

const subjects: Record<StepTone, string> = {
  soft_reminder: 'Your payment for {{productName}} did not go through',
  // A retry is promised only when one is planned (nextRetryDate is set only then).
  retry_notice: '{{#if nextRetryDate}}We will try your payment for {{productName}} again{{else}}Your payment for {{productName}} is still outstanding{{/if}}',
  urgent_reminder: 'Action needed: update your payment for {{productName}}',
  final_notice: 'Final notice: your subscription to {{productName}} is at risk',
};

const actions: Record<CopyVariant, { text: string; button: string; link: 'updateLink' | 'invoiceLink' }> = {
  insufficient_funds: {
    text: 'There is nothing you need to do: {{#if nextRetryDate}}we will try again on {{nextRetryDate}}{{else}}we will try again soon{{/if}}. If you would rather use another card, you can update it in a minute.',
    button: 'Use another card',
    link: 'updateLink',
  },
  card_must_change: {
    text: 'The card on file cannot be charged ({{declineReason}}), so we need a new one. It takes a minute.',
    button: 'Update your card',
    link: 'updateLink',
  },
  authentication_required: {
    text: 'Your bank asks you to confirm this payment. Please confirm it on the secure invoice page.{{#if updateLink}} Would you rather use another card? Update it here: {{updateLink}}{{/if}}',
    button: 'Confirm your payment',
    link: 'invoiceLink',
  },
  general: {
    text: '{{#if nextRetryDate}}We will try again on {{nextRetryDate}}. {{/if}}To make sure it goes through, please check or update your card.',
    button: 'Update your card',
    link: 'updateLink',
  },
};

export function defaultCopy(tone: StepTone, variant: CopyVariant): EmailCopy {
  const action = actions[variant];
  const link = `{{${action.link}}}`;
  const html =
    `<p>Hi {{customerName}},</p><p>${openings[tone]}</p><p>${action.text}</p>` +
    `<p><a class="button" href="${link}">${action.button}</a></p>` +
    `<p>Questions? Just reply to this email{{#if supportEmail}} or write to {{supportEmail}}{{/if}}.</p><p>Thank you,<br>{{merchantName}}</p>`;
  const text =
    `Hi {{customerName}},\n\n${openings[tone]}\n\n${action.text}\n\n${action.button}: ${link}\n\n` +
    `Questions? Just reply to this email{{#if supportEmail}} or write to {{supportEmail}}{{/if}}.\n\nThank you,\n{{merchantName}}\n`;
  return { subject: subjects[tone], html, text };
}

export const CONFIRMATION_COPY: EmailCopy = {
  subject: 'Thank you: your payment for {{productName}} went through',
  html: '<p>Hi {{customerName}},</p><p>Good news: your payment of {{amount}} for {{productName}} went through. There is nothing more to do.</p><p>Thank you,<br>{{merchantName}}</p>',
  text: 'Hi {{customerName}},\n\nGood news: your payment of {{amount}} for {{productName}} went through. There is nothing more to do.\n\nThank you,\n{{merchantName}}\n',
};
