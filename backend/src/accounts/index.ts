export { createAccountStore, type Account, type AccountStore } from './accountStore';
