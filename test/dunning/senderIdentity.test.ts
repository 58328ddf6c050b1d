import { chooseSender, formatMailbox, isEmailAddress, parseMailbox, validateSenderSettings, type SenderInput } from '../../backend/src/dunning/senderIdentity';

const operator = { operatorFrom: 'Billing <billing@operator.com>', verifiedDomains: ['operator.com', 'verified-merchant.com'] };
const input = (change: Partial<Omit<SenderInput, 'sender'>> & { sender?: Partial<SenderInput['sender']> }): SenderInput => ({
  merchantName: null,
  supportEmail: null,
  hasOwnServer: false,
  ...operator,
  ...change,
  sender: { fromName: null, fromAddress: null, replyTo: null, ...change.sender },
});

describe('chooseSender', () => {
  it.each([
    {
      case: 'own server and a From address: their server sends from their address',
      given: input({ hasOwnServer: true, merchantName: 'Acme', sender: { fromAddress: 'billing@acme.com' } }),
      want: { from: '"Acme" <billing@acme.com>', replyTo: null, usesOwnServer: true, reason: 'own_server' },
    },
    {
      case: 'own server, even on a domain we did not verify (their server holds their signatures)',
      given: input({ hasOwnServer: true, sender: { fromName: 'Acme Billing', fromAddress: 'billing@unverified.com', replyTo: 'help@acme.com' } }),
      want: { from: '"Acme Billing" <billing@unverified.com>', replyTo: 'help@acme.com', usesOwnServer: true, reason: 'own_server' },
    },
    {
      case: 'our server, From on a verified domain: their address as is',
      given: input({ merchantName: 'Acme', supportEmail: 'support@verified-merchant.com', sender: { fromAddress: 'Billing@Verified-Merchant.com' } }),
      want: { from: '"Acme" <Billing@Verified-Merchant.com>', replyTo: 'support@verified-merchant.com', usesOwnServer: false, reason: 'verified_domain' },
    },
    {
      case: 'our server, From on an unverified domain: our address, their name, replies to their support address',
      given: input({ merchantName: 'Acme', supportEmail: 'support@acme.com', sender: { fromAddress: 'billing@acme.com' } }),
      want: { from: '"Acme" <billing@operator.com>', replyTo: 'support@acme.com', usesOwnServer: false, reason: 'domain_not_verified' },
    },
    {
      case: 'unverified domain and no support address: replies go to the From address we could not use',
      given: input({ merchantName: 'Acme', sender: { fromAddress: 'billing@acme.com' } }),
      want: { from: '"Acme" <billing@operator.com>', replyTo: 'billing@acme.com', usesOwnServer: false, reason: 'domain_not_verified' },
    },
    {
      case: 'a subdomain of a verified domain is not verified',
      given: input({ sender: { fromAddress: 'billing@mail.verified-merchant.com' } }),
      want: { from: '"Billing" <billing@operator.com>', replyTo: 'billing@mail.verified-merchant.com', usesOwnServer: false, reason: 'domain_not_verified' },
    },
    {
      case: 'nothing chosen: our From exactly, our name',
      given: input({}),
      want: { from: '"Billing" <billing@operator.com>', replyTo: null, usesOwnServer: false, reason: 'no_from_address' },
    },
    {
      case: 'a From name wins over the brand name',
      given: input({ merchantName: 'Acme Inc', sender: { fromName: 'Acme Billing Team' } }),
      want: { from: '"Acme Billing Team" <billing@operator.com>', replyTo: null, usesOwnServer: false, reason: 'no_from_address' },
    },
    {
      case: 'own server but no From address: our server sends, and says why',
      given: input({ hasOwnServer: true, merchantName: 'Acme' }),
      want: { from: '"Acme" <billing@operator.com>', replyTo: null, usesOwnServer: false, reason: 'own_server_needs_from_address' },
    },
  ])('$case', ({ given, want }) => {
    expect(chooseSender(given)).toEqual(want);
  });

  it('takes a bare operator address too', () => {
    expect(chooseSender({ ...input({ merchantName: 'Acme' }), operatorFrom: 'billing@operator.com' }).from).toBe('"Acme" <billing@operator.com>');
  });
});

describe('isEmailAddress', () => {
  it.each(['billing@acme.com', 'first.last+tag@mail.acme.co.uk', "o'brien@acme.io", 'a@b.co'])('takes %s', (address) => {
    expect(isEmailAddress(address)).toBe(true);
  });

  it.each([
    ['no domain', 'billing@'],
    ['no at sign', 'billing.acme.com'],
    ['no top-level domain', 'billing@localhost'],
    ['a CRLF and a second header', 'billing@acme.com\r\nBcc: all@victim.com'],
    ['a bare LF', 'billing@acme.com\nBcc: x@y.com'],
    ['a display name', 'Acme <billing@acme.com>'],
    ['two addresses', 'a@acme.com,b@acme.com'],
    ['a space', 'bil ling@acme.com'],
    ['a double dot', 'bil..ling@acme.com'],
    ['a domain label starting with a dash', 'billing@-acme.com'],
    ['an over-long address', `${'a'.repeat(64)}@${'b'.repeat(190)}.com`],
  ])('refuses %s', (_why, address) => {
    expect(isEmailAddress(address)).toBe(false);
  });
});

describe('validateSenderSettings', () => {
  it('accepts a full sender and an empty one', () => {
    expect(validateSenderSettings({ fromName: 'Acme, Inc. "Billing"', fromAddress: 'billing@acme.com', replyTo: 'help@acme.com' })).toEqual([]);
    expect(validateSenderSettings({ fromName: null, fromAddress: null, replyTo: null })).toEqual([]);
  });

  it('refuses a name that would start a new header line, and bad addresses, naming each field', () => {
    expect(validateSenderSettings({ fromName: 'Acme\r\nBcc: all@victim.com', fromAddress: 'not an address', replyTo: 'x@y.com\nCc: z@w.com' })).toEqual([
      'sender.fromName: 1 to 100 characters on one line',
      'sender.fromAddress: an email address such as billing@example.com',
      'sender.replyTo: an email address such as support@example.com',
    ]);
  });

  it('refuses a blank name, a Unicode line separator and a name over 100 characters', () => {
    for (const fromName of ['   ', 'Acme\u2028Bcc: x@y.com', 'x'.repeat(101)]) {
      expect(validateSenderSettings({ fromName, fromAddress: null, replyTo: null })).toEqual(['sender.fromName: 1 to 100 characters on one line']);
    }
  });
});

describe('formatMailbox and parseMailbox', () => {
  it('quotes the name so commas, brackets and quotes stay in it', () => {
    expect(formatMailbox('Acme, Inc. <"Billing">', 'billing@acme.com')).toBe('"Acme, Inc. <\\"Billing\\">" <billing@acme.com>');
    expect(parseMailbox(formatMailbox('Acme, Inc. <"Billing">', 'billing@acme.com'))).toEqual({ name: 'Acme, Inc. <"Billing">', address: 'billing@acme.com' });
  });

  it('turns any control character in a name into a space', () => {
    expect(formatMailbox('Acme\r\nBcc: x@y.com', 'billing@acme.com')).toBe('"Acme  Bcc: x@y.com" <billing@acme.com>');
  });

  it('leaves an address bare without a name', () => {
    expect(formatMailbox(null, 'billing@acme.com')).toBe('billing@acme.com');
    expect(parseMailbox('billing@acme.com')).toEqual({ name: null, address: 'billing@acme.com' });
  });
});
