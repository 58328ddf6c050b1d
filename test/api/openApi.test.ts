import type Router from '@koa/router';
import request from 'supertest';
import { createApiKeyRoutes, createDashboardRoutes, createEmailRoutes, createExportDownloadRoutes, createExecuteRoutes, createExperimentRoutes, createLiftRoutes, createPrivacyRoutes, createRecoveryRoutes, createRiskRoutes, createSettingsRoutes, createWebhookEndpointRoutes, DOCUMENTED_ROUTES } from '../../backend/src/api';
import { createTestApp } from '../support/testApp';
import { useTestDatabase } from '../support/testDatabase';

const db = useTestDatabase();

/** Routers only register handlers when built; their dependencies are not touched until a request arrives. */
const unused = {} as never;
const merchantRouters: Router[] = [
  createRecoveryRoutes({ cases: unused, retries: unused, controls: unused, cardUpdate: unused, clock: unused }),
  createEmailRoutes({ cases: unused, emailContents: unused }),
  createDashboardRoutes({ cases: unused, rollups: unused, accounts: unused, clock: unused, exportLinks: unused }),
  createExportDownloadRoutes({ cases: unused, clock: unused, key: unused, limitPerIp: async (_ctx, next) => next() }),
  createLiftRoutes({ rollups: unused, settings: unused, clock: unused }),
  createSettingsRoutes({ settings: unused, clock: unused }),
  createApiKeyRoutes({ apiKeys: unused, clock: unused }),
  createExperimentRoutes({ experiments: unused }),
  createExecuteRoutes({ handOver: unused }),
  createWebhookEndpointRoutes({ webhooks: unused, clock: unused }),
  createRiskRoutes({ renewals: unused, risk: unused, accounts: unused, clock: unused }),
  createPrivacyRoutes({ privacy: unused, clock: unused }),
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

  it('documents the Idempotency-Key header on every POST, and execute with its 201 and refusals', async () => {
    const testApp = await createTestApp(db.connection);
    const { paths } = (await request(testApp.server).get('/api/openapi.json')).body as { paths: Record<string, Record<string, { parameters?: Array<{ name: string; in: string }>; responses: Record<string, unknown> }>> };
    const posts = Object.entries(paths).flatMap(([path, methods]) => (methods.post ? [[path, methods.post] as const] : []));
    expect(posts.length).toBeGreaterThan(5);
    for (const [path, post] of posts) expect([path, post.parameters?.some((parameter) => parameter.in === 'header' && parameter.name === 'Idempotency-Key')]).toEqual([path, true]);
    expect(Object.keys(paths['/api/recovery/execute']!.post!.responses)).toEqual(expect.arrayContaining(['200', '201', '400', '404', '409']));
  });

  it('documents the payments filters, the email figures, and the export link whose download needs no credentials', async () => {
    const testApp = await createTestApp(db.connection);
    const { paths, components } = (await request(testApp.server).get('/api/openapi.json')).body;
    expect(paths['/api/dashboard/payments'].get.parameters.map((parameter: { name: string }) => parameter.name)).toEqual(expect.arrayContaining(['openingDeclineBucket', 'currency']));
    expect(Object.keys(components.schemas.DashboardStats.properties.emails.properties)).toEqual(['sent', 'delivered', 'opened', 'clicked', 'bounced']);
    expect(paths['/api/dashboard/export-link'].post.security).toEqual([{ apiKey: [] }, { stripeAppSignature: [] }]);
    expect(paths['/exports/{file}'].get).toMatchObject({ security: [] });
    expect(Object.keys(paths['/exports/{file}'].get.responses).sort()).toEqual(['200', '403', '429']);
  });

  it('documents exactly the routes the merchant API serves', () => {
    const served = merchantRouters.flatMap((router) => router.stack.flatMap((layer) => layer.methods.filter((method) => method !== 'HEAD').map((method) => `${method} ${layer.path}`)));
    expect([...served].sort()).toEqual([...DOCUMENTED_ROUTES].sort());
  });
});
