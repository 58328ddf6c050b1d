export { describeDeclineForCustomer } from './declineWording';
export { renderTemplate, sampleValues, validateTemplate, TEMPLATE_VARIABLES, type TemplateProblem, type TemplateValues, type TemplateVariable } from './emailTemplates';
export { DEFAULT_DUNNING_POLICY, validateDunningPolicy, type CopyVariant, type DunningPolicy, type DunningStep, type EmailCopy, type StepTone } from './dunningSteps';
export { planNextEmail, type DunningState, type EmailDecision } from './dunningPlan';
export { copyForStep, confirmationCopy, renderEmail, type RenderedEmail } from './dunningEmail';
export { defaultCopy } from './defaultCopy';
export { createDunningService, type DunningService } from './dunningService';
export { createSuppressionStore, LEGACY_SUPPRESSION_INDEX, type SuppressionStore, type EmailSuppression } from './suppressionStore';
export { validateDunningSettings, previewStep } from './dunningSettings';
