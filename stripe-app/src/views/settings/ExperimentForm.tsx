import { Box, Button, Inline, Select, TextField } from '@stripe/ui-extension-sdk/ui';
import { useState } from 'react';
import type { DunningStepSetting, Experiment, ExperimentDraft, MerchantSettings } from '../../api/contract';
import { WholeNumberField } from '../../shared/WholeNumberField';
import { DunningStepFields, numbersInRetryPolicy, RetryPolicyFields, type RetryPolicyDraft } from './policyFields';

/** About 400 ended cases per arm find a 10-point difference (40 % against 50 %) four times in five, at the 5 % level. */
const DEFAULT_HORIZON_CASES = 400;
const MAX_EMAILS = 10;

/**
 * A new experiment: the variant to test against the current settings, kept
 * small (an email sequence's delays, tones and subjects, or the retry policy's
 * fields), starting from what is saved now.
 */
export function ExperimentForm({ settings, busy, onSubmit, onCancel }: { settings: MerchantSettings; busy: boolean; onSubmit: (draft: ExperimentDraft) => void; onCancel: () => void }) {
  const [name, setName] = useState('');
  const [kind, setKind] = useState<Experiment['kind']>('email_sequence');
  const [horizonCases, setHorizonCases] = useState(DEFAULT_HORIZON_CASES);
  const [steps, setSteps] = useState<DunningStepSetting[]>(settings.dunning.steps);
  const [policy, setPolicy] = useState<RetryPolicyDraft>(settings.retryPolicy);
  const [problem, setProblem] = useState<string | null>(null);

  const setStep = (index: number, change: Partial<DunningStepSetting>) => setSteps((before) => before.map((step, at) => (at === index ? { ...step, ...change } : step)));
  const lastStep = steps[steps.length - 1];

  function submit() {
    const numbers = [horizonCases, ...(kind === 'email_sequence' ? steps.map((step) => step.dayOffset) : numbersInRetryPolicy(policy))];
    if (numbers.some(Number.isNaN)) return setProblem('Enter a whole number in every number field.');
    if (horizonCases < 1) return setProblem('The horizon is at least 1 ended case per arm.');
    setProblem(null);
    const { windowDays, maxAttempts, networkLimits, endAction } = policy;
    onSubmit({
      name: name.trim(),
      kind,
      horizonCases,
      variant: kind === 'email_sequence' ? { dunning: { ...settings.dunning, steps } } : { retryPolicy: { windowDays, maxAttempts, networkLimits, endAction } },
    });
  }

  return (
    <Box css={{ stack: 'y', gap: 'small', padding: 'small', borderRadius: 'medium', backgroundColor: 'container' }}>
      <TextField label="Experiment name" value={name} onChange={(event) => setName(event.target.value)} />
      <Select label="What to test" value={kind} onChange={(event) => setKind(event.target.value as Experiment['kind'])}>
        <option value="email_sequence">Email sequence</option>
        <option value="retry_policy">Retry policy</option>
      </Select>
      <WholeNumberField
        label="Horizon: ended cases per arm"
        description="Fixed now, so the result cannot be read early: it is shown as final once each arm has this many ended cases. About 400 per arm find a 10-point difference four times in five."
        value={horizonCases}
        disabled={false}
        onValue={setHorizonCases}
      />
      <Inline css={{ font: 'subheading' }}>{kind === 'email_sequence' ? 'The email sequence to test against yours' : 'The retry policy to test against yours'}</Inline>
      {kind === 'email_sequence' ? (
        <>
          {steps.map((step, index) => (
            <DunningStepFields key={index} index={index} step={step} disabled={false} onChange={(change) => setStep(index, change)} />
          ))}
          <Box css={{ stack: 'x', gap: 'small' }}>
            <Button size="small" disabled={steps.length >= MAX_EMAILS} onPress={() => setSteps((before) => [...before, { dayOffset: (lastStep?.dayOffset ?? 0) + 3, tone: 'urgent_reminder', custom: null }])}>Add email</Button>
            <Button size="small" disabled={steps.length <= 1} onPress={() => setSteps((before) => before.slice(0, -1))}>Remove last email</Button>
          </Box>
        </>
      ) : (
        <RetryPolicyFields policy={policy} disabled={false} onChange={(change) => setPolicy((before) => ({ ...before, ...change }))} />
      )}
      {problem && <Inline css={{ color: 'critical' }}>{problem}</Inline>}
      <Box css={{ stack: 'x', gap: 'small' }}>
        <Button type="primary" disabled={!name.trim() || busy} pending={busy} onPress={submit}>Start experiment</Button>
        <Button onPress={onCancel}>Cancel</Button>
      </Box>
    </Box>
  );
}
