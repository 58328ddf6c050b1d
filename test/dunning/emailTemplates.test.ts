import { renderTemplate, sampleValues, validateTemplate } from '../../backend/src/dunning/emailTemplates';

describe('validateTemplate', () => {
  it('accepts known variables and #if / #unless blocks', () => {
    expect(validateTemplate('Hi {{customerName}},\n{{#if nextRetryDate}}We will try again on {{nextRetryDate}}.{{else}}Please update your card.{{/if}}')).toEqual([]);
  });

  it.each<[string, string, number, string | undefined, RegExp]>([
    ['an unknown variable', 'Hello\nHi {{firstName}}', 2, 'firstName', /Unknown variable "firstName"/],
    ['a nested path', '{{customer.name}}', 1, 'customer.name', /Unknown variable/],
    ['raw output', '<p>\n\n{{{updateLink}}}</p>', 3, undefined, /Raw output/],
    ['a helper call', '{{lookup amount 1}}', 1, undefined, /Helpers are not allowed/],
    ['another block helper', '{{#each amount}}x{{/each}}', 1, 'each', /block {{#each}} is not allowed/],
    ['a partial', '{{> footer}}', 1, undefined, /Partials/],
    ['an unknown variable inside a block', '{{#if amount}}\n{{oops}}{{/if}}', 2, 'oops', /Unknown variable "oops"/],
    ['broken markup', 'Hi {{customerName}\nbye', 1, undefined, /not valid/],
    ['an unclosed block', '{{#if amount}}\nhello', 2, undefined, /not valid/],
  ])('refuses %s, naming the line and variable', (_name, source, line, variable, message) => {
    const [problem] = validateTemplate(source);
    expect(problem).toMatchObject({ line, message: expect.stringMatching(message) });
    if (variable) expect(problem!.variable).toBe(variable);
  });
});

describe('renderTemplate', () => {
  it('escapes every value in HTML', () => {
    expect(renderTemplate('<p>Hi {{customerName}}</p>', { customerName: '<script>alert(1)</script> & "friends"' }, 'html')).toBe(
      '<p>Hi &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;friends&quot;</p>',
    );
  });

  it('leaves values as they are in text', () => {
    expect(renderTemplate('Hi {{customerName}} & co', { customerName: 'Ben & Jerry' }, 'text')).toBe('Hi Ben & Jerry & co');
  });

  it('renders blocks by whether a value is present', () => {
    const source = '{{#if nextRetryDate}}Next try: {{nextRetryDate}}{{else}}No retry planned{{/if}}';
    expect(renderTemplate(source, { nextRetryDate: 'Friday 1 May' }, 'text')).toBe('Next try: Friday 1 May');
    expect(renderTemplate(source, {}, 'text')).toBe('No retry planned');
  });

  it('renders every variable from the preview samples', () => {
    const source = Object.keys(sampleValues()).map((name) => `{{${name}}}`).join('|');
    expect(renderTemplate(source, sampleValues(), 'text').split('|')).toEqual(Object.values(sampleValues()));
  });

  it('does not reach prototype properties', () => {
    expect(renderTemplate('[{{constructor}}]', {}, 'text')).toBe('[]');
  });
});
