export { createCardUpdateRoutes } from './cardUpdateRoutes';
export { createCardUpdateService, type CardUpdateService } from './cardUpdateService';
export { renderCardUpdatePage, type CardUpdatePage } from './cardUpdatePages';
export { cardUpdateUrl, issueLinkToken, verifyLinkToken, linkSigningKey, DEFAULT_LINK_VALIDITY_DAYS, type CardUpdateClaims, type TokenCheck } from './linkToken';
