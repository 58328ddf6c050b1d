export {
  DEFAULT_PRE_DUNNING_POLICY,
  MAX_DAYS_BEFORE,
  MAX_PRE_DUNNING_STEPS,
  REMINDER_VARIABLES,
  sanitizePreDunningPolicy,
  validatePreDunningPolicy,
  validatePreDunningSettings,
  type PreDunningPolicy,
  type PreDunningStep,
  type ReminderValues,
  type ReminderVariable,
} from './preDunningPolicy';
export { defaultReminderCopy, previewReminder, reminderCopyFor, renderReminder, sampleReminderValues } from './reminderCopy';
export { nextReminderAt, planNextReminder, type NoReminderReason, type ReminderPlan } from './reminderPlan';
