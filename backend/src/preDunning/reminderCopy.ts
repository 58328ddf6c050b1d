import type { Branding } from '../accounts';
import { emailFrame, merchantCopyFor, renderEmail, type EmailCopy, type RenderedEmail } from '../dunning';
import { DEFAULT_LOCALE, formatDay, formatMoney, templateOf, type Locale, type MessageKey } from '../i18n';
import { REMINDER_VARIABLES, type PreDunningPolicy, type ReminderValues } from './preDunningPolicy';

/**
 * Our default reminders, in the merchant's voice and the customer's
 * language: short, calm, one action. The first is a heads-up, the last says
 * the date is close, any in between is a plain reminder. Built as templates
 * so merchants start from them.
 */

type ReminderTone = 'heads_up' | 'reminder' | 'last_call';

const subjects: Record<ReminderTone, MessageKey> = {
  heads_up: 'reminder.subject.headsUp',
  reminder: 'reminder.subject.reminder',
  last_call: 'reminder.subject.lastCall',
};

const asks: Record<ReminderTone, MessageKey> = {
  heads_up: 'reminder.ask.headsUp',
  reminder: 'reminder.ask.reminder',
  last_call: 'reminder.ask.lastCall',
};

function openingOf(tone: ReminderTone, locale: Locale): string {
  if (tone === 'heads_up') return `{{#if card_brand}}${templateOf(locale, 'reminder.opening.headsUpWithBrand')}{{else}}${templateOf(locale, 'reminder.opening.headsUp')}{{/if}}`;
  return templateOf(locale, tone === 'reminder' ? 'reminder.opening.reminder' : 'reminder.opening.lastCall');
}

function toneOf(stepIndex: number, stepCount: number): ReminderTone {
  if (stepIndex === 0) return 'heads_up';
  return stepIndex === stepCount - 1 ? 'last_call' : 'reminder';
}

/** Our copy for a step's place in the sequence, in the locale. */
export function defaultReminderCopy(stepIndex: number, stepCount: number, locale: Locale = DEFAULT_LOCALE): EmailCopy {
  const tone = toneOf(stepIndex, stepCount);
  const paragraphs = [openingOf(tone, locale), templateOf(locale, asks[tone])];
  // "Already updated it?": the customer may have acted since the reminder was planned.
  const frame = emailFrame(locale, paragraphs, { button: templateOf(locale, 'email.updateCardButton'), link: '{{card_update_url}}' }, { questionsLeadIn: templateOf(locale, 'reminder.alreadyUpdated') });
  return { ...frame, subject: templateOf(locale, subjects[tone]) };
}

/** The copy a step sends in the customer's language: the merchant's own for it if set, else ours. */
export function reminderCopyFor(policy: PreDunningPolicy, stepIndex: number, locale: Locale = DEFAULT_LOCALE, merchantLanguage: Locale = DEFAULT_LOCALE): EmailCopy | null {
  const step = policy.steps[stepIndex];
  if (!step) return null;
  return merchantCopyFor(step, locale, merchantLanguage) ?? defaultReminderCopy(stepIndex, policy.steps.length, locale);
}

/** Renders a reminder inside the merchant's branded layout (dunning's renderer: same sanitizing, same look). */
export function renderReminder(copy: EmailCopy, values: ReminderValues, branding: Branding, locale: Locale = DEFAULT_LOCALE): RenderedEmail {
  return renderEmail(copy, values, branding, locale);
}

const SAMPLE_RENEWAL_AT = new Date('2027-04-12T12:00:00Z');

/** Sample values for previews, with the merchant's names and the date and amount as a customer in `locale` reads them. */
export function sampleReminderValues(branding: Branding, locale: Locale = DEFAULT_LOCALE): ReminderValues {
  const samples = Object.fromEntries(Object.entries(REMINDER_VARIABLES).map(([name, variable]) => [name, variable.sample])) as ReminderValues;
  return {
    ...samples,
    renewal_date: formatDay(SAMPLE_RENEWAL_AT, 'UTC', locale),
    renewal_amount: formatMoney(4900, 'usd', locale),
    productName: branding.productName,
    merchantName: branding.merchantName,
    ...(branding.supportEmail ? { supportEmail: branding.supportEmail } : { supportEmail: undefined }),
  };
}

/** Any step of a sequence with sample data, as a customer in `locale` would get it; null when there is no such step. */
export function previewReminder(policy: PreDunningPolicy, stepIndex: number, branding: Branding, locale: Locale = DEFAULT_LOCALE, merchantLanguage: Locale = DEFAULT_LOCALE): RenderedEmail | null {
  const copy = reminderCopyFor(policy, stepIndex, locale, merchantLanguage);
  return copy ? renderReminder(copy, sampleReminderValues(branding, locale), branding, locale) : null;
}
