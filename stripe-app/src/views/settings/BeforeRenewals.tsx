import { Banner, Box, Button, Inline, Switch } from '@stripe/ui-extension-sdk/ui';
import { useRef, useState } from 'react';
import type { BackendClient } from '../../api/backendClient';
import type { EmailPreview, MerchantSettings, PreDunningSettings, PreDunningStepSetting } from '../../api/contract';
import { messageOf } from '../../shared/useAction';
import { WholeNumberField } from '../../shared/WholeNumberField';
import { CustomCopyFields } from './policyFields';

/** The backend refuses more; each step is one more email to a customer who has done nothing wrong yet. */
export const MAX_PRE_DUNNING_STEPS = 5;

/**
 * Where a new reminder goes: halfway between the last one and the renewal
 * (30, 14, 3 → 1), so the steps keep going down as the backend requires.
 */
export function daysBeforeOfNewStep(steps: PreDunningStepSetting[]): number {
  const last = steps[steps.length - 1];
  if (!last) return 30;
  return Number.isFinite(last.daysBefore) ? Math.max(1, Math.floor(last.daysBefore / 2)) : 1;
}

interface Props {
  preDunning: PreDunningSettings;
  alertThreshold: number;
  branding: MerchantSettings['branding'];
  backend: BackendClient;
  disabled: boolean;
  onPreDunning: (next: PreDunningSettings) => void;
  onAlertThreshold: (next: number) => void;
}

/**
 * Settings, "Before renewals": the reminders to customers whose card expires
 * before their next renewal, with a preview per step, and the risk score at
 * which a renewal counts as at risk. Saved with the rest of the form.
 */
export function BeforeRenewals({ preDunning, alertThreshold, branding, backend, disabled, onPreDunning, onAlertThreshold }: Props) {
  // A removed step must take its own fields with it: each step keeps the key it was shown with, not its place.
  const nextKey = useRef(preDunning.steps.length);
  const [keys, setKeys] = useState(() => preDunning.steps.map((_, index) => index));
  const [preview, setPreview] = useState<{ stepIndex: number; email: EmailPreview } | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  const setStep = (index: number, change: Partial<PreDunningStepSetting>) =>
    onPreDunning({ ...preDunning, steps: preDunning.steps.map((step, at) => (at === index ? { ...step, ...change } : step)) });
  const addStep = () => {
    setKeys((before) => [...before, nextKey.current++]);
    onPreDunning({ ...preDunning, steps: [...preDunning.steps, { daysBefore: daysBeforeOfNewStep(preDunning.steps), custom: null }] });
  };
  const removeStep = (index: number) => {
    setKeys((before) => before.filter((_, at) => at !== index));
    onPreDunning({ ...preDunning, steps: preDunning.steps.filter((_, at) => at !== index) });
    setPreview(null);
  };

  async function showPreview(stepIndex: number) {
    setProblem(null);
    try {
      setPreview({ stepIndex, email: await backend.previewPreDunning(stepIndex, { preDunning, branding }) });
    } catch (error) {
      setProblem(messageOf(error));
    }
  }

  return (
    <Box css={{ stack: 'y', gap: 'small' }}>
      <Inline css={{ font: 'heading' }}>Before renewals</Inline>
      <Inline css={{ color: 'secondary' }}>
        Customers whose card expires before their next renewal get a reminder with a link to update it, so the payment never fails. In test mode the emails are recorded, not sent.
      </Inline>
      <Switch label="Remind customers whose card expires before their renewal" checked={preDunning.enabled} disabled={disabled} onChange={(event) => onPreDunning({ ...preDunning, enabled: event.target.checked })} />
      {problem && <Banner type="critical" title="No preview" description={problem} onDismiss={() => setProblem(null)} />}
      {preDunning.steps.map((step, index) => (
        <Box key={keys[index] ?? `new-${index}`} css={{ stack: 'y', gap: 'small', padding: 'small', borderRadius: 'medium', backgroundColor: 'container' }}>
          <Inline css={{ font: 'subheading' }}>Reminder {index + 1}</Inline>
          <WholeNumberField label="Days before the renewal" value={step.daysBefore} disabled={disabled} onValue={(daysBefore) => setStep(index, { daysBefore })} />
          <CustomCopyFields
            custom={step.custom}
            subjectLabel="Reminder subject (empty: our wording about the expiring card)"
            htmlLabel="HTML body ({{customerName}}, {{card_brand}}, {{card_last4}}, {{card_expiry}}, {{renewal_date}}, {{renewal_amount}}, {{card_update_url}}, …)"
            disabled={disabled}
            onChange={(custom) => setStep(index, { custom })}
          />
          <Box css={{ stack: 'x', gap: 'small' }}>
            <Button size="small" onPress={() => void showPreview(index)}>Preview reminder</Button>
            {!disabled && <Button size="small" type="destructive" onPress={() => removeStep(index)}>Remove reminder</Button>}
          </Box>
          {preview?.stepIndex === index && (
            <Box css={{ stack: 'y', gap: 'small', padding: 'small' }}>
              <Inline css={{ font: 'subheading' }}>{preview.email.subject}</Inline>
              <Inline css={{ font: 'body' }}>{preview.email.text}</Inline>
            </Box>
          )}
        </Box>
      ))}
      {!disabled && (
        <Button size="small" disabled={preDunning.steps.length >= MAX_PRE_DUNNING_STEPS} onPress={addStep}>
          {preDunning.steps.length >= MAX_PRE_DUNNING_STEPS ? `At most ${MAX_PRE_DUNNING_STEPS} reminders` : 'Add a reminder'}
        </Button>
      )}
      <WholeNumberField
        label="Risk alert threshold (1–100)"
        description="A renewal scoring this or more counts as at risk on the home page, and sends customer.renewal_at_risk to your webhook endpoints."
        value={alertThreshold}
        disabled={disabled}
        onValue={onAlertThreshold}
      />
    </Box>
  );
}
