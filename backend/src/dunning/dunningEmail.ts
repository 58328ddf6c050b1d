import { contrastText, isHexColor, type Branding } from '../accounts';
import { CONFIRMATION_COPY, defaultCopy } from './defaultCopy';
import type { CopyVariant, DunningStep, EmailCopy } from './dunningSteps';
import { sanitizeEmailHtml } from './emailSanitizer';
import { renderTemplate } from './emailTemplates';

export interface RenderedEmail {
  subject: string;
  htmlBody: string;
  textBody: string;
}

/** The copy for a step: the merchant's own if set, else our default for the decline. */
export function copyForStep(step: DunningStep, variant: CopyVariant): EmailCopy {
  return step.custom ?? defaultCopy(step.tone, variant);
}

export function confirmationCopy(): EmailCopy {
  return CONFIRMATION_COPY;
}

/**
 * Renders copy with the case's values inside the merchant's branded layout, as HTML and plain text.
 * The rendered body goes through the allow-list sanitizer again before our layout wraps it:
 * whatever was stored, what is sent carries no script, handler or `javascript:` link.
 */
export function renderEmail(copy: EmailCopy, values: Readonly<Partial<Record<string, string>>>, branding: Branding): RenderedEmail {
  const subject = renderTemplate(copy.subject, values, 'text').replace(/\s+/g, ' ').trim();
  const content = sanitizeEmailHtml(renderTemplate(copy.html, values, 'html')).html;
  return { subject, htmlBody: layout(content, branding), textBody: renderTemplate(copy.text, values, 'text') };
}

function layout(content: string, branding: Branding): string {
  const accent = isHexColor(branding.accentColor) ? branding.accentColor : '#4f46e5';
  const buttonStyle = `display:inline-block;padding:12px 20px;border-radius:6px;background:${accent};color:${contrastText(accent)};font-weight:600;text-decoration:none`;
  // Email clients drop <style> blocks unpredictably: the button is styled inline.
  const body = content.replaceAll('<a class="button"', `<a class="button" style="${buttonStyle}"`);
  const header = branding.logoUrl && /^https:\/\//.test(branding.logoUrl)
    ? `<img src="${escapeAttribute(branding.logoUrl)}" alt="${escapeAttribute(branding.merchantName)}" style="max-height:40px">`
    : `<strong style="font-size:18px">${escapeAttribute(branding.merchantName)}</strong>`;
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"></head>` +
    `<body style="margin:0;background:#f5f7fa;font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1f2933;line-height:1.5">` +
    `<div style="max-width:560px;margin:0 auto;padding:24px"><div style="margin-bottom:16px">${header}</div>` +
    `<div style="background:#ffffff;border-radius:10px;padding:24px">${body}</div></div></body></html>`
  );
}

function escapeAttribute(value: string): string {
  return value.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);
}
