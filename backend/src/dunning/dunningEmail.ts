import { contrastText, isHexColor, type Branding } from '../accounts';
import { DEFAULT_LOCALE, type Locale } from '../i18n';
import { confirmationDefaultCopy, defaultCopy } from './defaultCopy';
import type { CopyVariant, DunningStep, EmailCopy } from './dunningSteps';
import { sanitizeEmailHtml } from './emailSanitizer';
import { renderTemplate } from './emailTemplates';
import { merchantCopyFor } from './localizedCopy';

export interface RenderedEmail {
  subject: string;
  htmlBody: string;
  textBody: string;
}

/**
 * The copy for a step in the customer's language: the merchant's own for
 * that language if set (see merchantCopyFor), else our default for the decline.
 */
export function copyForStep(step: DunningStep, variant: CopyVariant, locale: Locale = DEFAULT_LOCALE, merchantLanguage: Locale = DEFAULT_LOCALE): EmailCopy {
  return merchantCopyFor(step, locale, merchantLanguage) ?? defaultCopy(step.tone, variant, locale);
}

export function confirmationCopy(locale: Locale = DEFAULT_LOCALE): EmailCopy {
  return confirmationDefaultCopy(locale);
}

/**
 * Renders copy with the case's values inside the merchant's branded layout, as HTML and plain text.
 * The rendered body goes through the allow-list sanitizer again before our layout wraps it:
 * whatever was stored, what is sent carries no script, handler or `javascript:` link.
 */
export function renderEmail(copy: EmailCopy, values: Readonly<Partial<Record<string, string>>>, branding: Branding, locale: Locale = DEFAULT_LOCALE): RenderedEmail {
  const subject = renderTemplate(copy.subject, values, 'text').replace(/\s+/g, ' ').trim();
  const content = sanitizeEmailHtml(renderTemplate(copy.html, values, 'html')).html;
  return { subject, htmlBody: layout(content, branding, locale), textBody: renderTemplate(copy.text, values, 'text') };
}

function layout(content: string, branding: Branding, locale: Locale): string {
  const accent = isHexColor(branding.accentColor) ? branding.accentColor : '#4f46e5';
  const buttonStyle = `display:inline-block;padding:12px 20px;border-radius:6px;background:${accent};color:${contrastText(accent)};font-weight:600;text-decoration:none`;
  // Email clients drop <style> blocks unpredictably: the button is styled inline.
  const body = content.replaceAll('<a class="button"', `<a class="button" style="${buttonStyle}"`);
  const header = branding.logoUrl && /^https:\/\//.test(branding.logoUrl)
    ? `<img src="${escapeAttribute(branding.logoUrl)}" alt="${escapeAttribute(branding.merchantName)}" style="max-height:40px">`
    : `<strong style="font-size:18px">${escapeAttribute(branding.merchantName)}</strong>`;
  return (
    `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"></head>` +
    `<body style="margin:0;background:#f5f7fa;font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1f2933;line-height:1.5">` +
    `<div style="max-width:560px;margin:0 auto;padding:24px"><div style="margin-bottom:16px">${header}</div>` +
    `<div style="background:#ffffff;border-radius:10px;padding:24px">${body}</div></div></body></html>`
  );
}

function escapeAttribute(value: string): string {
  return value.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);
}
