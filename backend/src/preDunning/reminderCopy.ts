import type { Branding } from '../accounts';
import { renderEmail, type EmailCopy, type RenderedEmail } from '../dunning';
import { REMINDER_VARIABLES, type PreDunningPolicy, type ReminderValues } from './preDunningPolicy';

/**
 * Our default reminders, in the merchant's voice: short, calm, one action.
 * The first is a heads-up, the last says the date is close, any in between
 * is a plain reminder. Written as templates so merchants start from them.
 */

type ReminderTone = 'heads_up' | 'reminder' | 'last_call';

const subjects: Record<ReminderTone, string> = {
  heads_up: 'Your card ending {{card_last4}} expires before your next {{productName}} payment',
  reminder: 'Reminder: please update your card for {{productName}}',
  last_call: 'Your {{productName}} renewal is on {{renewal_date}}: please update your card',
};

const openings: Record<ReminderTone, string> = {
  heads_up: 'Your {{#if card_brand}}{{card_brand}} {{/if}}card ending {{card_last4}} expires {{card_expiry}}, before your {{productName}} renewal on {{renewal_date}} ({{renewal_amount}}).',
  reminder: 'A quick reminder: your card ending {{card_last4}} expires {{card_expiry}}, before your {{productName}} renewal on {{renewal_date}} ({{renewal_amount}}).',
  last_call: 'Your {{productName}} renewal of {{renewal_amount}} is on {{renewal_date}}, and the card ending {{card_last4}} will have expired by then.',
};

const asks: Record<ReminderTone, string> = {
  heads_up: 'To keep your subscription running without a break, please add a new card. It takes a minute, and nothing is charged today.',
  reminder: 'Please add a new card so your renewal goes through. It takes a minute, and nothing is charged today.',
  last_call: 'Please add a new card today so your subscription carries on without interruption. Nothing is charged until the renewal.',
};

function toneOf(stepIndex: number, stepCount: number): ReminderTone {
  if (stepIndex === 0) return 'heads_up';
  return stepIndex === stepCount - 1 ? 'last_call' : 'reminder';
}

/** Our copy for a step's place in the sequence. */
export function defaultReminderCopy(stepIndex: number, stepCount: number): EmailCopy {
  const tone = toneOf(stepIndex, stepCount);
  const html =
    `<p>Hi {{customerName}},</p><p>${openings[tone]}</p><p>${asks[tone]}</p>` +
    `<p><a class="button" href="{{card_update_url}}">Update your card</a></p>` +
    `<p>Already updated it? Then there is nothing more to do. Questions? Just reply to this email{{#if supportEmail}} or write to {{supportEmail}}{{/if}}.</p>` +
    `<p>Thank you,<br>{{merchantName}}</p>`;
  const text =
    `Hi {{customerName}},\n\n${openings[tone]}\n\n${asks[tone]}\n\nUpdate your card: {{card_update_url}}\n\n` +
    `Already updated it? Then there is nothing more to do. Questions? Just reply to this email{{#if supportEmail}} or write to {{supportEmail}}{{/if}}.\n\nThank you,\n{{merchantName}}\n`;
  return { subject: subjects[tone], html, text };
}

/** The copy a step sends: the merchant's own if set, else ours. */
export function reminderCopyFor(policy: PreDunningPolicy, stepIndex: number): EmailCopy | null {
  const step = policy.steps[stepIndex];
  if (!step) return null;
  return step.custom ?? defaultReminderCopy(stepIndex, policy.steps.length);
}

/** Renders a reminder inside the merchant's branded layout (dunning's renderer: same sanitizing, same look). */
export function renderReminder(copy: EmailCopy, values: ReminderValues, branding: Branding): RenderedEmail {
  return renderEmail(copy, values, branding);
}

/** Sample values for previews, with the merchant's names. */
export function sampleReminderValues(branding: Branding): ReminderValues {
  const samples = Object.fromEntries(Object.entries(REMINDER_VARIABLES).map(([name, variable]) => [name, variable.sample])) as ReminderValues;
  return { ...samples, productName: branding.productName, merchantName: branding.merchantName, ...(branding.supportEmail ? { supportEmail: branding.supportEmail } : { supportEmail: undefined }) };
}

/** Any step of a sequence with sample data, as the customer would get it; null when there is no such step. */
export function previewReminder(policy: PreDunningPolicy, stepIndex: number, branding: Branding): RenderedEmail | null {
  const copy = reminderCopyFor(policy, stepIndex);
  return copy ? renderReminder(copy, sampleReminderValues(branding), branding) : null;
}
