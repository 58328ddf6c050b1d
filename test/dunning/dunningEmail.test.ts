import { DEFAULT_BRANDING } from '../../backend/src/accounts';
import { confirmationCopy, copyForStep, defaultCopy, renderEmail, validateTemplate, type CopyVariant, type StepTone } from '../../backend/src/dunning';

const values = {
  customerName: 'Alice',
  amount: '49.00 USD',
  productName: 'Acme Pro',
  merchantName: 'Acme',
  supportEmail: 'help@acme.test',
  nextRetryDate: 'Friday 15 May',
  updateLink: 'https://recover.example.com/update?token=abc',
  invoiceLink: 'https://invoice.stripe.com/i/xyz',
  declineReason: 'the card on file has expired',
};
const branding = { ...DEFAULT_BRANDING, merchantName: 'Acme', accentColor: '#0b5fff' };
const tones: StepTone[] = ['soft_reminder', 'retry_notice', 'urgent_reminder', 'final_notice'];
const variants: CopyVariant[] = ['insufficient_funds', 'card_must_change', 'authentication_required', 'general'];

describe('default dunning copy', () => {
  it.each(tones.flatMap((tone) => variants.map((variant) => [tone, variant] as const)))('%s / %s is a valid template', (tone, variant) => {
    const copy = defaultCopy(tone, variant);
    expect([...validateTemplate(copy.subject), ...validateTemplate(copy.html), ...validateTemplate(copy.text)]).toEqual([]);
  });

  it('tells a customer with insufficient funds there is nothing to do and when we retry', () => {
    const email = renderEmail(defaultCopy('soft_reminder', 'insufficient_funds'), values, branding);
    expect(email.textBody).toContain('There is nothing you need to do: we will try again on Friday 15 May.');
    expect(email.textBody).toContain('Use another card: https://recover.example.com/update?token=abc');
  });

  it('asks for a new card when the card must change, saying why', () => {
    const email = renderEmail(defaultCopy('urgent_reminder', 'card_must_change'), values, branding);
    expect(email.subject).toBe('Action needed: update your payment for Acme Pro');
    expect(email.textBody).toContain('cannot be charged (the card on file has expired)');
  });

  it('links an authentication-required customer to the hosted invoice page', () => {
    const email = renderEmail(defaultCopy('retry_notice', 'authentication_required'), values, branding);
    expect(email.htmlBody).toContain('href="https://invoice.stripe.com/i/xyz"');
    // The button confirms the payment; the card-update link is there as the second choice.
    expect(email.htmlBody).not.toContain('href="https://recover.example.com/update');
    expect(email.textBody).toContain('Update it here: https://recover.example.com/update?token=abc');
  });

  it('renders the branded layout with an inline-styled button and escapes values', () => {
    const email = renderEmail(defaultCopy('final_notice', 'general'), { ...values, customerName: '<b>Eve</b>' }, branding);
    expect(email.htmlBody).toContain('<strong style="font-size:18px">Acme</strong>');
    expect(email.htmlBody).toContain('background:#0b5fff;color:#ffffff');
    expect(email.htmlBody).toContain('Hi &lt;b&gt;Eve&lt;/b&gt;');
    expect(email.textBody).toContain('Hi <b>Eve</b>');
  });

  it.each(tones.flatMap((tone) => variants.map((variant) => [tone, variant] as const)))('%s / %s carries the card-update link', (tone, variant) => {
    expect(renderEmail(defaultCopy(tone, variant), values, branding).textBody).toContain(values.updateLink);
  });

  it("uses a merchant's own copy for a step when set", () => {
    const custom = { subject: 'Psst {{customerName}}', html: '<p>{{amount}}</p>', text: '{{amount}}' };
    expect(copyForStep({ dayOffset: 0, tone: 'soft_reminder', custom }, 'general')).toBe(custom);
    expect(renderEmail(custom, values, branding).subject).toBe('Psst Alice');
  });

  it('thanks the customer after recovery', () => {
    expect(renderEmail(confirmationCopy(), values, branding).subject).toBe('Thank you: your payment for Acme Pro went through');
  });
});
