export { contrastText, isHexColor } from './branding';
export { createAccountStore, brandingOf, DEFAULT_BRANDING, type Account, type AccountStore, type Branding } from './accountStore';
