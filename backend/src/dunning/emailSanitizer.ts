import sanitizeHtml from 'sanitize-html';

/**
 * Merchant HTML goes through an allow-list before it is stored and again
 * before it is sent: text formatting, lists, tables, images over https and
 * links over http(s) or mailto only. No scripts, styles, forms, frames,
 * event handlers or `javascript:` links; a tag or attribute not on the list
 * is dropped (its text stays). Handlebars `{{…}}` are plain text to the
 * sanitizer, so a template keeps its variables.
 * Example: `<p onclick="x()">Hi</p><script>x()</script>` → `<p>Hi</p>`.
 */
const ALLOW_LIST: sanitizeHtml.IOptions = {
  allowedTags: ['p', 'br', 'hr', 'div', 'span', 'a', 'strong', 'b', 'em', 'i', 'u', 's', 'small', 'sub', 'sup', 'h1', 'h2', 'h3', 'h4', 'ul', 'ol', 'li', 'blockquote', 'code', 'pre', 'img', 'table', 'thead', 'tbody', 'tr', 'th', 'td'],
  allowedAttributes: { a: ['href', 'title', 'class'], img: ['src', 'alt', 'width', 'height'], th: ['colspan', 'rowspan', 'align'], td: ['colspan', 'rowspan', 'align'] },
  // Our layout styles the call-to-action link by this class; no other class means anything.
  allowedClasses: { a: ['button'] },
  allowedSchemes: ['https', 'http', 'mailto'],
  allowedSchemesByTag: { img: ['https'] },
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
};

/** The same parse and output without removing anything: what the allow-list result is compared with. */
const KEEP_ALL: sanitizeHtml.IOptions = { allowedTags: false, allowedAttributes: false, allowVulnerableTags: true, allowedSchemesAppliedToAttributes: [] };

export interface SanitizedHtml {
  html: string;
  /** True when the allow-list took something out (not merely re-wrote entities or quotes). */
  removedSomething: boolean;
}

export function sanitizeEmailHtml(html: string): SanitizedHtml {
  const clean = sanitizeHtml(html, ALLOW_LIST);
  return { html: clean, removedSomething: clean !== sanitizeHtml(html, KEEP_ALL) };
}
