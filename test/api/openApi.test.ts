import type Router from '@koa/router';
import request from 'supertest';
import { createApiKeyRoutes, createDashboardRoutes, createEmailRoutes, createRecoveryRoutes, createSettingsRoutes, createWebhookEndpointRoutes, DOCUMENTED_ROUTES } from '../../backend/src/api';
import { createTestApp } from '../support/testApp';
import { useTestDatabase } from '../support/testDatabase';

const db = useTestDatabase();

/** Routers only register handlers when built; their dependencies are not touched until a request arrives. */
const unused = {} as never;
const merchantRouters: Router[] = [
  createRecoveryRoutes({ cases: unused, retries: unused, controls: unused, cardUpdate: unused, clock: unused }),
  createEmailRoutes({ cases: unused }),
  createDashboardRoutes({ cases: unused, rollups: unused, accounts: unused, clock: unused }),
  createSettingsRoutes({ settings: unused, clock: unused }),
  createApiKeyRoutes({ apiKeys: unused, clock: unused }),
  createWebhookEndpointRoutes({ webhooks: unused, clock: unused }),
];

describe('GET /api/openapi.json', () => {
  it('serves an OpenAPI 3.1 document without credentials, with the error shape and both ways in', async () => {
    const testApp = await createTestApp(db.connection);
    const response = await request(testApp.server).get('/api/openapi.json');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ openapi: '3.1.0', components: { securitySchemes: { apiKey: { scheme: 'bearer' }, stripeAppSignature: { name: 'Stripe-Signature' } } } });
    expect(response.body.components.schemas.Error.properties.error.properties.type.enum).toContain('rate_limit_error');
    const payments = response.body.paths['/api/dashboard/payments'].get;
    expect(payments.parameters.map((parameter: { name: string }) => parameter.name)).toEqual(expect.arrayContaining(['status', 'from', 'to', 'customerId', 'limit', 'starting_after']));
    expect(payments.parameters.find((parameter: { name: string }) => parameter.name === 'limit').schema).toMatchObject({ maximum: 100 });
  });

  it('documents exactly the routes the merchant API serves', () => {
    const served = merchantRouters.flatMap((router) => router.stack.flatMap((layer) => layer.methods.filter((method) => method !== 'HEAD').map((method) => `${method} ${layer.path}`)));
    expect([...served].sort()).toEqual([...DOCUMENTED_ROUTES].sort());
  });
});
