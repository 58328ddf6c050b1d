import { Badge } from '@stripe/ui-extension-sdk/ui';
import type { CaseGroup } from '../api/contract';

export const CONTROL_GROUP_LABEL = 'Control group — no action by us (holdout)';

/** Marks a case held out of recovery, wherever a case appears, so its inaction is never mistaken for a fault. */
export function ControlGroupBadge({ group }: { group: CaseGroup | undefined }) {
  return group === 'control' ? <Badge type="neutral">{CONTROL_GROUP_LABEL}</Badge> : null;
}
