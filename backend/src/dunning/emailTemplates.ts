import Handlebars from 'handlebars';
import { DEFAULT_LOCALE, formatDay, formatMoney, translate, type Locale } from '../i18n';

/**
 * Merchant-editable email templates: Handlebars with only our variables and
 * the #if / #unless blocks. Values are HTML-escaped in HTML bodies; raw
 * `{{{…}}}` output, partials and other helpers are refused, so a template can
 * never inject markup or reach outside the data we give it.
 */

export const TEMPLATE_VARIABLES = {
  customerName: { description: "The customer's name, or 'there' when Stripe has none", sample: 'Alice Martin' },
  amount: { description: "The amount due with its currency, in the customer's language", sample: '$49.00' },
  productName: { description: "The merchant's product name", sample: 'Acme Analytics' },
  merchantName: { description: "The merchant's business name", sample: 'Acme Inc.' },
  supportEmail: { description: "The merchant's support address", sample: 'support@acme.test' },
  nextRetryDate: { description: 'When we will try the card again, in the customer’s time, if a retry is planned', sample: 'Friday 1 May' },
  updateLink: { description: 'The customer’s card-update link', sample: 'https://recover.example.com/update?token=…' },
  invoiceLink: { description: "Stripe's hosted invoice page, to confirm a payment that needs authentication", sample: 'https://invoice.stripe.com/i/…' },
  declineReason: { description: "Why the payment failed, in plain words in the customer's language", sample: 'the bank declined it for insufficient funds or a spending limit' },
} as const;

export type TemplateVariable = keyof typeof TEMPLATE_VARIABLES;
export type TemplateValues = Partial<Record<TemplateVariable, string>>;

export interface TemplateProblem {
  line: number;
  column: number;
  message: string;
  variable?: string;
}

const ALLOWED_BLOCKS = new Set(['if', 'unless']);
const known = new Set<string>(Object.keys(TEMPLATE_VARIABLES));

/**
 * Checks a template; each problem names its line (1-based) and the variable at fault.
 * `variables` are the names the template may use: dunning's by default; other emails (pre-dunning) pass their own.
 */
export function validateTemplate(source: string, variables: ReadonlySet<string> = known): TemplateProblem[] {
  let program: hbs.AST.Program;
  try {
    program = Handlebars.parse(source);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const line = Number(/line (\d+)/.exec(message)?.[1] ?? 1);
    return [{ line, column: 0, message: `The template is not valid: ${message.split('\n')[0]}` }];
  }
  const problems: TemplateProblem[] = [];
  visit(program, problems, variables);
  return problems;
}

function visit(node: hbs.AST.Node, problems: TemplateProblem[], variables: ReadonlySet<string>): void {
  const where = { line: node.loc?.start.line ?? 1, column: node.loc?.start.column ?? 0 };
  switch (node.type) {
    case 'Program':
      for (const statement of (node as hbs.AST.Program).body) visit(statement, problems, variables);
      return;
    case 'MustacheStatement': {
      const mustache = node as hbs.AST.MustacheStatement;
      if (!mustache.escaped) problems.push({ ...where, message: 'Raw output {{{…}}} is not allowed: values are always escaped.' });
      if (mustache.params.length > 0 || mustache.hash) problems.push({ ...where, message: 'Helpers are not allowed: use a variable name only.' });
      checkVariable(mustache.path, where, problems, variables);
      return;
    }
    case 'BlockStatement': {
      const block = node as hbs.AST.BlockStatement;
      const name = (block.path as hbs.AST.PathExpression).original;
      if (!ALLOWED_BLOCKS.has(name)) {
        problems.push({ ...where, message: `The block {{#${name}}} is not allowed: use {{#if variable}} or {{#unless variable}}.`, variable: name });
      } else if (block.params.length !== 1) {
        problems.push({ ...where, message: `{{#${name}}} needs exactly one variable.` });
      } else {
        checkVariable(block.params[0]!, where, problems, variables);
      }
      if (block.program) visit(block.program, problems, variables);
      if (block.inverse) visit(block.inverse, problems, variables);
      return;
    }
    case 'PartialStatement':
    case 'PartialBlockStatement':
    case 'DecoratorBlock':
    case 'Decorator':
      problems.push({ ...where, message: 'Partials and decorators are not allowed.' });
      return;
    default:
      return; // content and comments
  }
}

function checkVariable(expression: hbs.AST.Expression, where: { line: number; column: number }, problems: TemplateProblem[], variables: ReadonlySet<string>): void {
  if (expression.type !== 'PathExpression') {
    problems.push({ ...where, message: 'Only variables can be shown, not literal values.' });
    return;
  }
  const path = expression as hbs.AST.PathExpression;
  if (path.depth > 0 || path.parts.length !== 1 || !variables.has(path.original)) {
    problems.push({ ...where, variable: path.original, message: `Unknown variable "${path.original}". Known: ${[...variables].join(', ')}.` });
  }
}

const compiled = new Map<string, Handlebars.TemplateDelegate>();

/**
 * Renders a template that passed validateTemplate. `html` escapes every
 * value; text output (subjects, plain-text bodies) does not.
 */
export function renderTemplate(source: string, values: Readonly<Partial<Record<string, string>>>, mode: 'html' | 'text'): string {
  const cacheKey = `${mode}\u0000${source}`;
  let template = compiled.get(cacheKey);
  if (!template) {
    template = Handlebars.compile(source, { noEscape: mode === 'text', strict: false, knownHelpersOnly: true, knownHelpers: { if: true, unless: true } });
    if (compiled.size > 500) compiled.clear();
    compiled.set(cacheKey, template);
  }
  return template(values, { allowProtoPropertiesByDefault: false, allowProtoMethodsByDefault: false });
}

const SAMPLE_RETRY_AT = new Date('2026-05-01T12:00:00Z');

/** Sample values for previews, with the amount, date and reason as a customer in `locale` reads them. */
export function sampleValues(locale: Locale = DEFAULT_LOCALE): TemplateValues {
  const samples = Object.fromEntries(Object.entries(TEMPLATE_VARIABLES).map(([name, variable]) => [name, variable.sample])) as TemplateValues;
  return {
    ...samples,
    amount: formatMoney(4900, 'usd', locale),
    nextRetryDate: formatDay(SAMPLE_RETRY_AT, 'UTC', locale),
    declineReason: translate(locale, 'decline.insufficientFunds'),
  };
}
