import type { Express, Request, Response } from 'express';
import { buildOpenApi, type RouteDoc } from './openapi';
import { ROUTES } from './routes';

export interface RegisteredRoute {
  method: string;
  path: string;
}

/** The routes registered on the Express app (Nest's controllers and the app's own), in order. */
export function registeredRoutes(app: Express): RegisteredRoute[] {
  const stack = (app as unknown as { router?: { stack: Array<{ route?: { path: unknown; methods: Record<string, boolean> } }> } }).router?.stack ?? [];
  const routes: RegisteredRoute[] = [];
  for (const layer of stack) {
    if (!layer.route || typeof layer.route.path !== 'string') continue;
    for (const [method, on] of Object.entries(layer.route.methods)) if (on && method !== '_all') routes.push({ method, path: layer.route.path });
  }
  return routes;
}

const routeKey = (method: string, path: string) => `${method.toLowerCase()} ${path.replace(/\/$/, '') || '/'}`;

/** The table's rows the app really serves: the document never promises a route that is not there. */
export function servedRoutes(app: Express, table: readonly RouteDoc[] = ROUTES): RouteDoc[] {
  const registered = new Set(registeredRoutes(app).map((r) => routeKey(r.method, r.path)));
  return table.filter((r) => registered.has(routeKey(r.method, r.path)));
}

/** Registered routes the table does not describe (a test keeps this empty). */
export function undocumentedRoutes(app: Express, table: readonly RouteDoc[] = ROUTES): RegisteredRoute[] {
  const documented = new Set(table.map((r) => routeKey(r.method, r.path)));
  return registeredRoutes(app).filter((r) => !documented.has(routeKey(r.method, r.path)));
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** A self-contained page (the machine may be offline: no CDN): each operation, its body and answer schemas. */
export function docsPage(doc: Record<string, any>): string {
  const schemas = doc.components?.schemas ?? {};
  const show = (schema: any) => {
    const ref = typeof schema?.$ref === 'string' ? schema.$ref.split('/').pop() : null;
    const body = ref ? schemas[ref] : schema;
    return `<details><summary>${escape(ref ?? 'schema')}</summary><pre>${escape(JSON.stringify(body, null, 2))}</pre></details>`;
  };
  const rows: string[] = [];
  for (const [path, ops] of Object.entries<Record<string, any>>(doc.paths ?? {})) {
    for (const [method, op] of Object.entries<any>(ops)) {
      const body = op.requestBody?.content?.['application/json']?.schema;
      const answers = Object.entries<any>(op.responses ?? {})
        .map(([status, r]) => {
          const content = r.content ? Object.entries<any>(r.content)[0] : null;
          return `<li><b>${escape(status)}</b> ${escape(r.description ?? '')}${content && status.startsWith('2') && content[1].schema?.$ref ? show(content[1].schema) : ''}</li>`;
        })
        .join('');
      const auth = op.security ? Object.keys(op.security[0])[0] : 'public';
      rows.push(
        `<section><h3><code class="m ${escape(method)}">${escape(method.toUpperCase())}</code> <code>${escape(path)}</code> <small>${escape(auth)}</small></h3>` +
          `<p>${escape(op.summary ?? '')}</p>${op.description ? `<p>${escape(op.description)}</p>` : ''}` +
          `${body ? `<h4>Body</h4>${show(body)}` : ''}<h4>Answers</h4><ul>${answers}</ul></section>`,
      );
    }
  }
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(doc.info.title)} ${escape(doc.info.version)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
section{border-top:1px solid #ddd;padding:.5rem 0}code.m{padding:.1rem .4rem;border-radius:.2rem;color:#fff}
code.get{background:#2a7}code.post{background:#27c}pre{background:#f6f6f6;padding:.5rem;overflow:auto}small{color:#777}</style>
</head><body><h1>${escape(doc.info.title)} <small>${escape(doc.info.version)}</small></h1>
<p>${escape(doc.info.description ?? '')}</p><p>Machine-readable: <a href="/docs/openapi.json">/docs/openapi.json</a> (OpenAPI 3.1).</p>
${rows.join('\n')}
</body></html>`;
}

/**
 * Serves the document at /docs/openapi.json and the page at /docs, built on the first
 * request (when every controller has registered its routes) and kept.
 */
export function mountDocs(app: Express, info: { title: string; version: string }): void {
  let doc: Record<string, any> | undefined;
  let page: string | undefined;
  const document = () => (doc ??= buildOpenApi(servedRoutes(app), info));
  app.get('/docs/openapi.json', (_req: Request, res: Response) => {
    res.json(document());
  });
  app.get('/docs', (_req: Request, res: Response) => {
    res.type('html').send((page ??= docsPage(document())));
  });
}
