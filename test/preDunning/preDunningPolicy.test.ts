import { DEFAULT_BRANDING } from '../../backend/src/accounts';
import { DEFAULT_PRE_DUNNING_POLICY, defaultReminderCopy, previewReminder, renderReminder, sanitizePreDunningPolicy, validatePreDunningSettings, type PreDunningPolicy } from '../../backend/src/preDunning';

const steps = (...days: number[]): PreDunningPolicy => ({ enabled: true, steps: days.map((daysBefore) => ({ daysBefore, custom: null })) });
const withCustom = (custom: { subject: string; html: string; text: string }): PreDunningPolicy => ({ enabled: true, steps: [{ daysBefore: 10, custom }] });

describe('validatePreDunningSettings', () => {
  it('accepts the default sequence: 30, 14 and 3 days before, in our copy', () => {
    expect(DEFAULT_PRE_DUNNING_POLICY.steps.map((step) => step.daysBefore)).toEqual([30, 14, 3]);
    expect(validatePreDunningSettings(DEFAULT_PRE_DUNNING_POLICY)).toEqual([]);
  });

  it.each([
    ['a step on the renewal day itself', steps(0), 'steps[0].daysBefore: a whole number of days from 1 to 60'],
    ['a step more than 60 days before', steps(61), 'steps[0].daysBefore: a whole number of days from 1 to 60'],
    ['part of a day', steps(1.5), 'steps[0].daysBefore: a whole number of days from 1 to 60'],
    ['two steps on the same day', steps(14, 14), 'steps[1].daysBefore: each reminder must come at least a day closer to the renewal than the one before'],
    ['steps out of order', steps(3, 14), 'steps[1].daysBefore: each reminder must come at least a day closer to the renewal than the one before'],
    ['six steps', steps(50, 40, 30, 20, 10, 5), 'steps: at most 5 reminders before a renewal'],
  ])('refuses %s', (_name, policy, problem) => {
    expect(validatePreDunningSettings(policy)).toContain(problem);
  });

  it('checks custom copy with the template rules and the pre-dunning variables, naming step, part and line', () => {
    const problems = validatePreDunningSettings(withCustom({ subject: 'Card {{card_last4}}', html: '<p>Hi</p>\n<p>{{updateLink}}</p>', text: '{{{card_update_url}}}' }));
    expect(problems).toEqual([
      expect.stringMatching(/^steps\[0\]\.custom\.html line 2: Unknown variable "updateLink"/),
      expect.stringMatching(/^steps\[0\]\.custom\.text line 1: Raw output/),
    ]);
  });

  it('accepts every pre-dunning variable', () => {
    const all = '{{customerName}} {{productName}} {{merchantName}} {{#if supportEmail}}{{supportEmail}}{{/if}} {{card_brand}} {{card_last4}} {{card_expiry}} {{renewal_date}} {{renewal_amount}} {{card_update_url}}';
    expect(validatePreDunningSettings(withCustom({ subject: all, html: `<p>${all}</p>`, text: all }))).toEqual([]);
  });

  it('sanitizes custom HTML with the dunning allow-list and names the part it changed', () => {
    const { policy, removed } = sanitizePreDunningPolicy(withCustom({ subject: 's', html: '<p onclick="x()">Hi</p><script>x()</script>', text: 't' }));
    expect(policy.steps[0]!.custom!.html).toBe('<p>Hi</p>');
    expect(removed).toEqual(['steps[0].custom.html']);
  });
});

describe('default reminder copy', () => {
  const values = { customerName: 'Alice', productName: 'Acme Analytics', merchantName: 'Acme Inc.', card_brand: 'Visa', card_last4: '4242', card_expiry: '03/2027', renewal_date: 'Monday 12 April', renewal_amount: '49.00 EUR', card_update_url: 'https://recover.example.com/update?token=abc' };

  it('passes the same template rules merchants are held to, for every place in a sequence', () => {
    const policy: PreDunningPolicy = { enabled: true, steps: [50, 30, 14, 7, 1].map((daysBefore, index, all) => ({ daysBefore, custom: defaultReminderCopy(index, all.length) })) };
    expect(validatePreDunningSettings(policy)).toEqual([]);
  });

  it('names the card, its expiry and the renewal, and links to the card update', () => {
    const email = renderReminder(defaultReminderCopy(0, 3), values, DEFAULT_BRANDING);
    expect(email.subject).toBe('Your card ending 4242 expires before your next Acme Analytics payment');
    expect(email.textBody).toContain('Your Visa card ending 4242 expires 03/2027, before your Acme Analytics renewal on Monday 12 April (49.00 EUR).');
    expect(email.textBody).toContain('Update your card: https://recover.example.com/update?token=abc');
    expect(email.htmlBody).toContain('href="https://recover.example.com/update?token=abc"');
  });

  it('says the date is close in the last reminder', () => {
    expect(renderReminder(defaultReminderCopy(2, 3), values, DEFAULT_BRANDING).subject).toBe('Your Acme Analytics renewal is on Monday 12 April: please update your card');
  });

  it("previews any step with sample values and the merchant's names, and none past the end", () => {
    const preview = previewReminder(DEFAULT_PRE_DUNNING_POLICY, 1, { ...DEFAULT_BRANDING, productName: 'Rocket', merchantName: 'Rocket Ltd' });
    expect(preview?.subject).toBe('Reminder: please update your card for Rocket');
    expect(preview?.textBody).toContain('Rocket Ltd');
    expect(previewReminder(DEFAULT_PRE_DUNNING_POLICY, 3, DEFAULT_BRANDING)).toBeNull();
  });
});
