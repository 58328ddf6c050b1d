import { Button, Inline, Box, Select, TextArea, TextField } from '@stripe/ui-extension-sdk/ui';
import type { CustomCopy, DunningStepSetting, MerchantSettings } from '../../api/contract';
import { WholeNumberField } from '../../shared/WholeNumberField';

/** The retry-policy fields the settings form and an experiment's variant both edit. */
export type RetryPolicyDraft = Pick<MerchantSettings['retryPolicy'], 'windowDays' | 'maxAttempts' | 'networkLimits' | 'endAction'>;

/** The card-network limits a merchant may tighten (or, for Visa, raise to 20), each with what it protects. */
const NETWORK_LIMIT_FIELDS: Array<{ limit: keyof MerchantSettings['retryPolicy']['networkLimits']; label: string; description: string }> = [
  { limit: 'visaMaxReattemptsPer30Days', label: 'Visa: reattempts per card in 30 days', description: 'Stripe documents 15; Visa allows up to 20. Going over brings fines.' },
  { limit: 'mastercardMaxDeclinesPer24h', label: 'Mastercard: declined attempts per card in 24 hours', description: 'Mastercard counts declines on the same card, not attempts.' },
  { limit: 'mastercardMaxDeclinesPer30Days', label: 'Mastercard: declined attempts per card in 30 days', description: 'The same count of declines on one card, over 30 days.' },
];

const TONES: Array<{ value: DunningStepSetting['tone']; label: string }> = [
  { value: 'soft_reminder', label: 'Friendly reminder' },
  { value: 'retry_notice', label: 'We will retry' },
  { value: 'urgent_reminder', label: 'Urgent' },
  { value: 'final_notice', label: 'Final notice' },
];

/** Every number of a retry policy; a NaN among them is a field the merchant left empty or half-typed. */
export function numbersInRetryPolicy(policy: RetryPolicyDraft): number[] {
  return [policy.windowDays, policy.maxAttempts, ...Object.values(policy.networkLimits)];
}

export function RetryPolicyFields({ policy, disabled, onChange }: { policy: RetryPolicyDraft; disabled: boolean; onChange: (change: Partial<RetryPolicyDraft>) => void }) {
  return (
    <>
      <WholeNumberField label="Retry for this many days after the first failure" value={policy.windowDays} disabled={disabled} onValue={(windowDays) => onChange({ windowDays })} />
      <WholeNumberField label="At most this many of our retries per payment" value={policy.maxAttempts} disabled={disabled} onValue={(maxAttempts) => onChange({ maxAttempts })} />
      {NETWORK_LIMIT_FIELDS.map(({ limit, label, description }) => (
        <WholeNumberField key={limit} label={label} description={description} value={policy.networkLimits[limit]} disabled={disabled} onValue={(value) => onChange({ networkLimits: { ...policy.networkLimits, [limit]: value } })} />
      ))}
      <Select label="When recovery ends without payment" value={policy.endAction} disabled={disabled} onChange={(event) => onChange({ endAction: event.target.value as RetryPolicyDraft['endAction'] })}>
        <option value="leave_open">Leave the invoice and subscription as they are</option>
        <option value="cancel_subscription">Cancel the subscription</option>
        <option value="mark_uncollectible">Mark the invoice uncollectible</option>
      </Select>
    </>
  );
}

/** One email of a dunning sequence: when it goes, its tone, and the merchant's own copy if any. */
export function DunningStepFields({ index, step, disabled, onChange, onPreview }: { index: number; step: DunningStepSetting; disabled: boolean; onChange: (change: Partial<DunningStepSetting>) => void; onPreview?: () => void }) {
  return (
    <Box css={{ stack: 'y', gap: 'small', padding: 'small', borderRadius: 'medium', backgroundColor: 'container' }}>
      <Inline css={{ font: 'subheading' }}>Email {index + 1}</Inline>
      <WholeNumberField label="Days after the failure" value={step.dayOffset} disabled={disabled} onValue={(dayOffset) => onChange({ dayOffset })} />
      <Select label="Tone" value={step.tone} disabled={disabled} onChange={(event) => onChange({ tone: event.target.value as DunningStepSetting['tone'] })}>
        {TONES.map((tone) => (
          <option key={tone.value} value={tone.value}>{tone.label}</option>
        ))}
      </Select>
      <CustomCopyFields
        custom={step.custom}
        subjectLabel="Subject (empty: our wording, adapted to the decline)"
        htmlLabel="HTML body ({{customerName}}, {{amount}}, {{updateLink}}, …)"
        disabled={disabled}
        onChange={(custom) => onChange({ custom })}
      />
      {onPreview && <Button size="small" onPress={onPreview}>Preview</Button>}
    </Box>
  );
}

/**
 * An email's own wording, for a dunning or a pre-dunning step: typing a subject
 * switches to the merchant's copy, clearing it goes back to ours (null).
 */
export function CustomCopyFields({ custom, subjectLabel, htmlLabel, disabled, onChange }: { custom: CustomCopy; subjectLabel: string; htmlLabel: string; disabled: boolean; onChange: (custom: CustomCopy) => void }) {
  return (
    <>
      <TextField
        label={subjectLabel}
        value={custom?.subject ?? ''}
        disabled={disabled}
        onChange={(event) => onChange(event.target.value ? { subject: event.target.value, html: custom?.html ?? '', text: custom?.text ?? '' } : null)}
      />
      {custom && (
        <>
          <TextArea label={htmlLabel} value={custom.html} disabled={disabled} onChange={(event) => onChange({ ...custom, html: event.target.value })} />
          <TextArea label="Plain-text body" value={custom.text} disabled={disabled} onChange={(event) => onChange({ ...custom, text: event.target.value })} />
        </>
      )}
    </>
  );
}
