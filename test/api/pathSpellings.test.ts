import request from 'supertest';
import { createTestApp } from '../support/testApp';
import { useTestDatabase } from '../support/testDatabase';

const db = useTestDatabase();
let testApp: Awaited<ReturnType<typeof createTestApp>>;

beforeAll(async () => {
  testApp = await createTestApp(db.connection, { env: { STRIPE_APP_SECRET: 'absec_path_spellings_secret' } });
});

/**
 * @koa/router matches paths case-insensitively and forgives a trailing slash;
 * the merchant guard must see every spelling a router would answer.
 */
describe('merchant API paths spelled differently', () => {
  it.each([
    ['GET', '/API/dashboard/stats'],
    ['GET', '/api/Dashboard/Stats'],
    ['GET', '/api/dashboard/stats/'],
    ['GET', '//api/dashboard/stats'],
    ['GET', '/api//dashboard/stats'],
    ['GET', '/api/dashboard//stats'],
    ['GET', '/api/%64ashboard/stats'],
    ['GET', '/API/RECOVERY/CASES'],
    ['GET', '/Api/Api-Keys'],
    ['GET', '/api/api-keys/'],
    ['GET', '/API/SETTINGS'],
    ['PATCH', '/api/Settings/'],
    ['GET', '/API/Webhook-Endpoints'],
    ['GET', '/api/webhook-endpoints/'],
    ['GET', '/api/Webhook-Endpoints/we_000000000000000000000000/Deliveries'],
  ])('%s %s asks for credentials (401) or is not found (404), never 500 and never unguarded', async (method, path) => {
    const response = await request(testApp.server)[method === 'GET' ? 'get' : 'patch'](path);
    expect([401, 404]).toContain(response.status);
  });
});
