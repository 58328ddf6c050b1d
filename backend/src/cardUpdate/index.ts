export { createCardUpdateRoutes } from './cardUpdateRoutes';
export { createCardUpdateService, type CardUpdateService } from './cardUpdateService';
export { renderCardUpdatePage, type CardUpdatePage } from './cardUpdatePages';
export { cardUpdateUrl, issueLinkToken, issueRenewalLinkToken, verifyAnyLinkToken, verifyLinkToken, linkSigningKey, DEFAULT_LINK_VALIDITY_DAYS, MAX_RENEWAL_LINK_DAYS, type AnyLinkCheck, type CardUpdateClaims, type RenewalLinkClaims, type TokenCheck } from './linkToken';
export { createRenewalCardUpdate, brandName, cardExpiryText, type PaymentCardReader, type RenewalCardUpdate } from './renewalCardUpdate';
export type { RenewalDetails, RenewalPage } from './renewalPages';
