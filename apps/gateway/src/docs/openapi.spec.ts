import { ROUTES } from './routes';
import { buildOpenApi, openApiPath } from './openapi';
import { docsPage } from './docs';

describe('the OpenAPI document', () => {
  const doc = buildOpenApi(ROUTES, { title: 't', version: 'v1' }) as any;

  it('has one operation per row of the route table, with unique operation ids', () => {
    const ops = Object.entries<any>(doc.paths).flatMap(([path, byMethod]) => Object.keys(byMethod).map((m) => `${m} ${path}`));
    expect(ops.sort()).toEqual(ROUTES.map((r) => `${r.method} ${openApiPath(r.path)}`).sort());
    const ids = Object.values<any>(doc.paths).flatMap((byMethod) => Object.values<any>(byMethod).map((op) => op.operationId));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('generates bodies and answers from the zod schemas of libs/contracts', () => {
    const register = doc.paths['/v1/players'].post;
    expect(register.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/CreatePlayerBody' });
    expect(doc.components.schemas.CreatePlayerBody).toMatchObject({
      type: 'object',
      properties: { name: { type: 'string', maxLength: 40 }, deposit: { type: 'integer', minimum: 0 } },
      required: ['name'],
      additionalProperties: false,
    });
    expect(doc.components.schemas.Game.properties).toHaveProperty('gameId');
    expect(doc.components.schemas.Game.properties.phase).toEqual({ type: 'string', enum: ['come-out', 'point'] });
    expect(doc.components.schemas.CreateGameBody.properties.maxPlayers).toMatchObject({ type: 'integer', minimum: 1, maximum: 20 });
    expect(doc.paths['/v1/games/{gameId}'].get.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Game' });
  });

  it('documents path parameters, the Idempotency-Key on every POST, security and the error body', () => {
    const join = doc.paths['/v1/games/{gameId}/join'].post;
    expect(join.parameters).toEqual(
      expect.arrayContaining([
        { name: 'gameId', in: 'path', required: true, schema: { type: 'string' } },
        expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: false }),
      ]),
    );
    for (const byMethod of Object.values<any>(doc.paths)) {
      if (byMethod.post) expect(byMethod.post.parameters.map((p: any) => p.name)).toContain('Idempotency-Key');
      // a body over MAX_BODY_BYTES or not JSON is refused on every POST
      if (byMethod.post) expect(byMethod.post.responses).toMatchObject({ '413': expect.anything(), '415': { description: expect.stringContaining('UNSUPPORTED_MEDIA_TYPE') } });
    }
    expect(join.security).toEqual([{ bearerToken: [] }]);
    expect(join.responses['429'].headers['Retry-After']).toBeDefined();
    expect(doc.paths['/v1/audit'].get.security).toEqual([{ adminToken: [] }]);
    expect(doc.paths['/v1/audit'].get.responses).toHaveProperty('403');
    expect(doc.components.schemas.ErrorBody.properties.error.properties.code.enum).toContain('IDEMPOTENCY_KEY_REUSED');
  });

  it('renders a self-contained page with every operation and no external asset', () => {
    const page = docsPage(doc);
    for (const r of ROUTES) expect(page).toContain(`<code>${openApiPath(r.path)}</code>`);
    expect(page).not.toMatch(/<script|<link|src="http|href="http/);
  });
});
