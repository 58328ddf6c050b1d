import { fitAccountModel, predictFailure, scoreByAccountModel, MIN_OUTCOMES_FOR_MODEL, type LabelledRenewal } from '../../backend/src/renewalRisk/accountModel';
import { deriveRiskFeatures, type CustomerHistory } from '../../backend/src/renewalRisk/riskFeatures';
import { aRenewal, NOW } from './riskBuilders';

/** A small deterministic generator, so the data are the same in every run. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 16807) % 2147483647) / 2147483647;
}

const noHistory: CustomerHistory = { failures: [], disputes: 0 };
const healthy = deriveRiskFeatures(aRenewal(), noHistory, NOW);
const prepaid = deriveRiskFeatures(aRenewal({}, { funding: 'prepaid' }), noHistory, NOW);
const expiring = deriveRiskFeatures(aRenewal({}, { expMonth: 1, expYear: 2027 }), noHistory, NOW);

/** Renewals whose outcome follows one factor exactly: every expiring card fails, every other card pays. */
function separable(count: number): LabelledRenewal[] {
  const random = seeded(7);
  return Array.from({ length: count }, () => {
    const roll = random();
    if (roll < 0.15) return { features: expiring, failed: true };
    return { features: roll < 0.3 ? prepaid : healthy, failed: false };
  });
}

describe('fitAccountModel', () => {
  it('needs 500 renewals with known outcomes, of both kinds', () => {
    expect(MIN_OUTCOMES_FOR_MODEL).toBe(500);
    expect(fitAccountModel(separable(499))).toBeNull();
    expect(fitAccountModel(separable(600).map((sample) => ({ ...sample, failed: false })))).toBeNull();
  });

  it('separates separable data: the factor that decides the outcome gets a large positive coefficient, the others none that matters', () => {
    const model = fitAccountModel(separable(600))!;
    const column = (name: string) => model.coefficients[model.columns.indexOf(name)]!;
    expect(column('card_expires_before_renewal')).toBeGreaterThan(2);
    expect(column('prepaid')).toBeLessThan(0.5);
    expect(predictFailure(model, expiring)).toBeGreaterThan(0.95);
    expect(predictFailure(model, healthy)).toBeLessThan(0.05);
    expect(predictFailure(model, prepaid)).toBeLessThan(0.05);
  });

  it('recovers a known effect size from noisy outcomes', () => {
    // Prepaid cards fail with logit −2 + 1.5, the rest with −2: the coefficient per unit is about 1.5.
    const random = seeded(11);
    const samples = Array.from({ length: 1500 }, () => {
      const isPrepaid = random() < 0.3;
      const logit = -2 + (isPrepaid ? 1.5 : 0);
      return { features: isPrepaid ? prepaid : healthy, failed: random() < 1 / (1 + Math.exp(-logit)) };
    });
    const model = fitAccountModel(samples)!;
    const j = model.columns.indexOf('prepaid');
    expect(model.coefficients[j]! / model.scales[j]!).toBeGreaterThan(1.1);
    expect(model.coefficients[j]! / model.scales[j]!).toBeLessThan(1.9);
  });
});

describe('scoreByAccountModel', () => {
  it('scores the probability as 0..100, says it is the account model, and explains with the factors present that raise the risk', () => {
    const model = fitAccountModel(separable(600))!;
    const risk = scoreByAccountModel(model, expiring, aRenewal({}, { expMonth: 1, expYear: 2027 }), NOW);
    expect(risk.model).toBe('account_model');
    expect(risk.score).toBeGreaterThanOrEqual(95);
    expect(risk.reasons[0]).toEqual({ code: 'card_expires_before_renewal', text: 'The card ending 4242 expires 01/2027, before the renewal on 12 April 2027.', weight: expect.any(Number) });
    expect(risk.reasons[0]!.weight).toBeGreaterThan(2);
    expect(scoreByAccountModel(model, healthy, aRenewal(), NOW).reasons).toEqual([]);
  });
});
