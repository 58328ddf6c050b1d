import { classifyDecline, isKnownDeclineCode, type DeclineBucket } from '../../backend/src/retryPolicy';

const byDeclineCode = (declineCode: string) => classifyDecline({ code: 'card_declined', declineCode }, { needsCustomerAction: false });

describe('classifyDecline', () => {
  it.each<[string, DeclineBucket]>([
    ['lost_card', 'never_retry'],
    ['stolen_card', 'never_retry'],
    ['pickup_card', 'never_retry'],
    ['fraudulent', 'never_retry'],
    ['revocation_of_authorization', 'never_retry'],
    ['revocation_of_all_authorizations', 'never_retry'],
    ['stop_payment_order', 'never_retry'],
    ['incorrect_number', 'never_retry'],
    ['invalid_account', 'never_retry'],
    ['transaction_not_allowed', 'never_retry'],
    ['highest_risk_level', 'never_retry'],
    ['expired_card', 'customer_must_act'],
    ['incorrect_cvc', 'customer_must_act'],
    ['invalid_expiry_month', 'customer_must_act'],
    ['invalid_expiry_year', 'customer_must_act'],
    ['card_not_supported', 'customer_must_act'],
    ['currency_not_supported', 'customer_must_act'],
    ['authentication_required', 'customer_must_act'],
    ['insufficient_funds', 'soft'],
    ['processing_error', 'soft'],
    ['issuer_not_available', 'soft'],
    ['try_again_later', 'soft'],
    ['reenter_transaction', 'soft'],
    ['approve_with_id', 'soft'],
    ['card_velocity_exceeded', 'soft'],
    ['withdrawal_count_limit_exceeded', 'soft'],
    ['do_not_honor', 'ambiguous'],
    ['generic_decline', 'ambiguous'],
    ['call_issuer', 'ambiguous'],
    ['restricted_card', 'ambiguous'],
    ['security_violation', 'ambiguous'],
    ['previously_declined_do_not_retry', 'blocked_by_stripe'],
  ])('puts decline code %s in %s', (code, bucket) => {
    expect(byDeclineCode(code)).toMatchObject({ bucket, matchedBy: 'decline_code', code });
  });

  it('marks insufficient funds for payday timing', () => {
    expect(byDeclineCode('insufficient_funds').isInsufficientFunds).toBe(true);
    expect(byDeclineCode('processing_error').isInsufficientFunds).toBe(false);
  });

  it.each<[string, Parameters<typeof classifyDecline>[0], Parameters<typeof classifyDecline>[1], DeclineBucket, string]>([
    ["Stripe's block from the charge outcome", { declineCode: 'insufficient_funds' }, { needsCustomerAction: false, chargeOutcomeReason: 'previously_declined_do_not_retry' }, 'blocked_by_stripe', 'outcome_reason'],
    ['Mastercard advice 03 over a soft code', { declineCode: 'insufficient_funds', networkAdviceCode: '03' }, { needsCustomerAction: false }, 'never_retry', 'network_advice_code'],
    ['Mastercard advice 21 over a soft code', { declineCode: 'try_again_later', networkAdviceCode: '21' }, { needsCustomerAction: false }, 'never_retry', 'network_advice_code'],
    ['advice do_not_try_again over a soft code', { declineCode: 'insufficient_funds', adviceCode: 'do_not_try_again' }, { needsCustomerAction: false }, 'never_retry', 'advice_code'],
    ['advice confirm_card_data over an ambiguous code', { declineCode: 'do_not_honor', adviceCode: 'confirm_card_data' }, { needsCustomerAction: false }, 'customer_must_act', 'advice_code'],
    ['a payment that needs authentication', null, { needsCustomerAction: true }, 'customer_must_act', 'authentication'],
    ['a code without a decline code', { code: 'expired_card' }, { needsCustomerAction: false }, 'customer_must_act', 'code'],
    ['a bare card_declined', { code: 'card_declined' }, { needsCustomerAction: false }, 'ambiguous', 'code'],
    ['an unknown decline code', { code: 'card_declined', declineCode: 'brand_new_code' }, { needsCustomerAction: false }, 'ambiguous', 'unknown'],
    ['no decline details at all', null, { needsCustomerAction: false }, 'ambiguous', 'none'],
  ])('classifies %s', (_name, decline, context, bucket, matchedBy) => {
    expect(classifyDecline(decline, context)).toMatchObject({ bucket, matchedBy });
  });

  it.each([
    ['24', 60 * 60 * 1000],
    ['25', 24 * 60 * 60 * 1000],
    ['26', 2 * 86_400_000],
    ['27', 4 * 86_400_000],
    ['28', 6 * 86_400_000],
    ['29', 8 * 86_400_000],
    ['30', 10 * 86_400_000],
  ])('keeps the bucket and sets a minimum wait for Mastercard advice %s', (networkAdviceCode, waitMs) => {
    expect(classifyDecline({ declineCode: 'insufficient_funds', networkAdviceCode }, { needsCustomerAction: false })).toMatchObject({ bucket: 'soft', mastercardMinWaitMs: waitMs });
  });

  it('explains every bucket in plain words', () => {
    expect(byDeclineCode('lost_card').explanation).toMatch(/card networks forbid/);
  });

  it('knows which codes are in the table', () => {
    expect(isKnownDeclineCode('insufficient_funds')).toBe(true);
    expect(isKnownDeclineCode('brand_new_code')).toBe(false);
  });
});
