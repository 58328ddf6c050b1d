export { describeDeclineForCustomer } from './declineWording';
export { renderTemplate, sampleValues, validateTemplate, TEMPLATE_VARIABLES, type TemplateProblem, type TemplateValues, type TemplateVariable } from './emailTemplates';
