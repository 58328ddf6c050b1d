/** Where the Payment Recovery backend runs; must match `connect-src` in stripe-app.json. */
export const BACKEND_URL = 'https://recovery.example.com';
