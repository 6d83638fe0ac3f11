// The Kubernetes service set as rendered for each overlay: schemas, the pieces every
// service needs, security, secrets, network exposure, NATS and what prod changes.
import { readdirSync, readFileSync, existsSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { loadConfig } from '@bitcraps/service-kit';
import { allowedFlows, containerEnv, containersOf, find, flowLines, podLabels, selects, workloads } from './cluster';
import { kustomizationFile, parseYamlDocuments, parseImage, renderKustomization, type K8sObject } from './kustomize';
import { validateObject } from './schemas';

const DEPLOY = path.resolve(__dirname, '..');
const ROOT = path.resolve(DEPLOY, '..');
const APPS = ['gateway', 'orchestrator', 'lifecycle', 'player', 'treasury', 'consensus', 'stats'];
const OVERLAYS = ['dev', 'prod'] as const;
const NAMESPACES = { dev: 'bitcraps-dev', prod: 'bitcraps' };
/** The one port every service listens on in the cluster (HTTP_PORT). */
const PORT = 8080;

const rendered = {
  base: renderKustomization(path.join(DEPLOY, 'base')),
  dev: renderKustomization(path.join(DEPLOY, 'overlays/dev')),
  prod: renderKustomization(path.join(DEPLOY, 'overlays/prod')),
};

const appContainer = (objs: K8sObject[], app: string) => find(objs, 'Deployment', app).spec.template.spec.containers[0];
const sharedConfig = (objs: K8sObject[]) => find(objs, 'ConfigMap', 'bitcraps-config').data as Record<string, string>;
const natsConf = (objs: K8sObject[]) => find(objs, 'ConfigMap', 'nats-config').data['nats.conf'] as string;

/** Every file under a directory, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

/** Bytes of a Kubernetes quantity (Gi, Mi, G, M...) or of a NATS size (8GB, 256MB). */
function bytes(q: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(Ki|Mi|Gi|Ti|K|M|G|T|KB|MB|GB|TB)?$/.exec(q);
  if (!m) throw new Error(`not a size: ${q}`);
  const unit = m[2] ?? '';
  const factor: Record<string, number> = { '': 1, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, K: 1e3, M: 1e6, G: 1e9, T: 1e12, KB: 2 ** 10, MB: 2 ** 20, GB: 2 ** 30, TB: 2 ** 40 };
  return Number(m[1]) * factor[unit]!;
}

describe('the service set', () => {
  it('covers every service under apps/', () => {
    const services = readdirSync(path.join(ROOT, 'apps')).filter((d) => existsSync(path.join(ROOT, 'apps', d, 'src', `${d}.service.ts`)));
    expect([...services].sort()).toEqual([...APPS].sort());
  });

  it('commits no Secret: no Secret manifest, no secretGenerator, and the base renders none either', () => {
    for (const file of filesUnder(DEPLOY).filter((f) => /\.ya?ml$/.test(f))) {
      const docs = parseYamlDocuments(readFileSync(file, 'utf8'), file) as any[];
      for (const doc of docs) {
        expect({ file, kind: doc?.kind }).not.toEqual({ file, kind: 'Secret' });
        expect({ file, generator: doc?.secretGenerator }).toEqual({ file, generator: undefined });
      }
    }
    expect(rendered.base.filter((o) => o.kind === 'Secret')).toEqual([]);
  });

  it('documents how to create the Secret and install each overlay', () => {
    const readme = readFileSync(path.join(DEPLOY, 'README.md'), 'utf8');
    expect(readme).toMatch(/kubectl -n bitcraps create secret generic bitcraps-secrets[\s\S]*--from-literal=TOKEN_SECRET=[\s\S]*--from-literal=ADMIN_TOKEN=/);
    expect(readme).toContain('kubectl apply -k deploy/overlays/prod');
    expect(readme).toContain('kubectl apply -k deploy/overlays/dev');
    expect(readme).toMatch(/STREAM_REPLICAS/);
  });
});

describe.each(OVERLAYS)('%s overlay', (overlay) => {
  const objs = rendered[overlay];

  it('every object satisfies its Kubernetes schema and lives in the overlay namespace', () => {
    for (const o of objs) validateObject(o);
    expect(find(objs, 'Namespace', NAMESPACES[overlay]).metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
    for (const o of objs.filter((x) => x.kind !== 'Namespace')) expect([o.kind, o.metadata.name, o.metadata.namespace]).toEqual([o.kind, o.metadata.name, NAMESPACES[overlay]]);
  });

  it.each(APPS)('%s has a Deployment, a Service, an autoscaler and a disruption budget that fit together', (app) => {
    const d = find(objs, 'Deployment', app);
    const labels = podLabels(d);
    expect(labels['app.kubernetes.io/component']).toBe('service');
    expect(selects(d.spec.selector, labels)).toBe(true);

    const svc = find(objs, 'Service', app);
    expect(svc.spec.type ?? 'ClusterIP').toBe('ClusterIP');
    expect(selects({ matchLabels: svc.spec.selector }, labels)).toBe(true);
    expect(svc.spec.ports).toEqual([expect.objectContaining({ port: PORT, targetPort: 'http' })]);

    const hpa = find(objs, 'HorizontalPodAutoscaler', app);
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: app });
    expect(hpa.spec.metrics).toContainEqual({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: expect.any(Number) } } });
    expect(hpa.spec.minReplicas).toBe(d.spec.replicas);
    expect(hpa.spec.maxReplicas).toBeGreaterThan(hpa.spec.minReplicas);

    const pdb = find(objs, 'PodDisruptionBudget', app);
    expect(selects(pdb.spec.selector, labels)).toBe(true);
    // a budget that always allows one eviction: node drains never deadlock, even at 1 replica
    expect(pdb.spec.maxUnavailable).toBe(1);
  });

  it.each(APPS)('%s: probes on /health/live and /health/ready, resources, scrape annotations, config from ConfigMaps', (app) => {
    const d = find(objs, 'Deployment', app);
    const pod = d.spec.template;
    const c = appContainer(objs, app);
    expect(c.image).toMatch(new RegExp(`bitcraps/${app}:`));
    expect(c.ports).toEqual([{ name: 'http', containerPort: PORT, protocol: 'TCP' }]);
    expect(c.livenessProbe.httpGet).toEqual({ path: '/health/live', port: 'http' });
    expect(c.readinessProbe.httpGet).toEqual({ path: '/health/ready', port: 'http' });
    expect(c.startupProbe.httpGet).toEqual({ path: '/health/live', port: 'http' });
    for (const kind of ['requests', 'limits']) {
      expect(Object.keys(c.resources[kind]).sort()).toEqual(['cpu', 'memory']);
    }
    expect(bytes(c.resources.limits.memory)).toBeGreaterThanOrEqual(bytes(c.resources.requests.memory));
    expect(pod.metadata.annotations).toEqual({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(PORT), 'prometheus.io/path': '/metrics' });
    expect(c.envFrom).toEqual([{ configMapRef: { name: 'bitcraps-config' } }, { configMapRef: { name: `${app}-config` } }]);
    for (const ref of c.envFrom) find(objs, 'ConfigMap', ref.configMapRef.name);
    // service links would inject GATEWAY_PORT=tcp://..., which the gateway reads as its port
    expect(pod.spec.enableServiceLinks).toBe(false);
  });

  it.each(APPS)("%s: the environment its pod gets passes the service's own config schema", (app) => {
    const env = containerEnv(objs, appContainer(objs, app));
    // the config schemas live in the apps; required by path on purpose (deploy/ depends on them only here)
    const mod = require(path.join(ROOT, 'apps', app, 'src', 'config')) as Record<string, unknown>;
    const schema = Object.entries(mod).find(([name]) => name.endsWith('ConfigSchema'))![1] as Parameters<typeof loadConfig>[1];
    const config = loadConfig(app, schema, env) as Record<string, unknown>;
    expect(config.HTTP_PORT).toBe(PORT);
    expect(config.NODE_ENV).toBe(overlay === 'prod' ? 'production' : 'development');
    expect(config.STREAM_REPLICAS).toBe(overlay === 'prod' ? 3 : 1);
    // every key we set is read by that schema, the base config, or is announced in DESIGN.md section 9
    const known = readFileSync(path.join(ROOT, 'apps', app, 'src/config.ts'), 'utf8') + readFileSync(path.join(ROOT, 'libs/service-kit/src/config.ts'), 'utf8');
    const announced = ['OTEL_SERVICE_NAME', 'HOUSE_BANKROLL', 'RESERVE_RATIO', 'ADMIN_TOKEN'];
    for (const key of Object.keys(env)) expect({ key, known: known.includes(key) || announced.includes(key) }).toEqual({ key, known: true });
  });

  it('the gateway would not start with Kubernetes service links (why enableServiceLinks is off)', () => {
    const env = { ...containerEnv(objs, appContainer(objs, 'gateway')), GATEWAY_PORT: 'tcp://10.96.0.10:8080' };
    const { GatewayConfigSchema } = require(path.join(ROOT, 'apps/gateway/src/config'));
    expect(() => loadConfig('gateway', GatewayConfigSchema, env)).toThrow(/GATEWAY_PORT/);
  });

  it('every container runs non-root on a read-only root filesystem, without privileges, with an emptyDir /tmp', () => {
    expect(workloads(objs).map((w) => w.metadata.name).sort()).toEqual([...APPS, 'nats', 'otel-collector', 'redis'].sort());
    for (const w of workloads(objs)) {
      const spec = w.spec.template.spec;
      const where = `${w.kind}/${w.metadata.name}`;
      expect({ where, hostNetwork: spec.hostNetwork, hostPID: spec.hostPID, hostIPC: spec.hostIPC, automount: spec.automountServiceAccountToken }).toEqual({
        where, hostNetwork: undefined, hostPID: undefined, hostIPC: undefined, automount: false,
      });
      expect(spec.securityContext.seccompProfile).toEqual({ type: 'RuntimeDefault' });
      for (const c of containersOf(w)) {
        const sc = c.securityContext ?? {};
        const runAsUser = sc.runAsUser ?? spec.securityContext.runAsUser;
        expect({ where, container: c.name, runAsNonRoot: sc.runAsNonRoot ?? spec.securityContext.runAsNonRoot, numericNonRootUser: Number.isInteger(runAsUser) && runAsUser > 0 }).toEqual({
          where, container: c.name, runAsNonRoot: true, numericNonRootUser: true,
        });
        expect({ where, container: c.name, sc }).toEqual({
          where,
          container: c.name,
          sc: expect.objectContaining({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } }),
        });
        expect(sc.privileged).toBeUndefined();
        expect(c.ports?.some((p: any) => p.hostPort !== undefined) ?? false).toBe(false);
        const tmp = c.volumeMounts?.find((m: any) => m.mountPath === '/tmp');
        expect({ where, tmpIsEmptyDir: spec.volumes?.find((v: any) => v.name === tmp?.name)?.emptyDir !== undefined }).toEqual({ where, tmpIsEmptyDir: true });
        expect(Object.keys(c.resources?.limits ?? {}).sort()).toEqual(['cpu', 'memory']);
        expect(Object.keys(c.resources?.requests ?? {}).sort()).toEqual(['cpu', 'memory']);
      }
      expect(spec.volumes?.some((v: any) => v.hostPath) ?? false).toBe(false);
    }
  });

  it('no Secret is rendered; the gateway gets TOKEN_SECRET and ADMIN_TOKEN by reference only', () => {
    expect(objs.filter((o) => o.kind === 'Secret')).toEqual([]);
    for (const cm of objs.filter((o) => o.kind === 'ConfigMap')) {
      expect(Object.keys(cm.data ?? {}).filter((k) => /SECRET|TOKEN|PASSWORD/.test(k))).toEqual([]);
    }
    const refs = workloads(objs).flatMap((w) =>
      containersOf(w).flatMap((c) => (c.env ?? []).filter((e: any) => e.valueFrom?.secretKeyRef).map((e: any) => ({ workload: w.metadata.name, name: e.name, ref: e.valueFrom.secretKeyRef }))),
    );
    // the gateway refuses to start in production without ADMIN_TOKEN, so prod requires the key
    expect(refs.sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      { workload: 'gateway', name: 'ADMIN_TOKEN', ref: { name: 'bitcraps-secrets', key: 'ADMIN_TOKEN', optional: overlay !== 'prod' } },
      { workload: 'gateway', name: 'TOKEN_SECRET', ref: { name: 'bitcraps-secrets', key: 'TOKEN_SECRET' } },
    ]);
  });

  it('NetworkPolicies deny by default; services reach only NATS, Redis, the collector and DNS', () => {
    const denyAll = find(objs, 'NetworkPolicy', 'default-deny-all').spec;
    expect(denyAll).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });

    const dns = ['ns{kubernetes.io/metadata.name=kube-system} pods{k8s-app=kube-dns} @ TCP/53', 'ns{kubernetes.io/metadata.name=kube-system} pods{k8s-app=kube-dns} @ UDP/53'];
    for (const app of APPS) {
      expect(flowLines(allowedFlows(objs, podLabels(find(objs, 'Deployment', app)), 'Egress'))).toEqual([
        ...dns,
        'pods{app.kubernetes.io/name=nats} @ TCP/4222',
        'pods{app.kubernetes.io/name=otel-collector} @ TCP/4317',
        'pods{app.kubernetes.io/name=otel-collector} @ TCP/4318',
        'pods{app.kubernetes.io/name=redis} @ TCP/6379',
      ]);
    }
    const nats = podLabels(find(objs, 'StatefulSet', 'nats'));
    expect(flowLines(allowedFlows(objs, nats, 'Egress'))).toEqual([...dns, 'pods{app.kubernetes.io/name=nats} @ TCP/6222']);
    for (const name of ['redis', 'otel-collector']) {
      expect(flowLines(allowedFlows(objs, podLabels(find(objs, 'Deployment', name)), 'Egress'))).toEqual(dns);
    }

    // what they may reach answers there: each peer selects a workload with that container port
    for (const w of workloads(objs)) {
      for (const f of allowedFlows(objs, podLabels(w), 'Egress') ?? []) {
        const m = /^pods\{app\.kubernetes\.io\/name=(.+)\}$/.exec(f.peer);
        if (!m) continue;
        const target = workloads(objs).find((x) => x.metadata.name === m[1])!;
        const port = Number(f.port.split('/')[1]);
        expect({ flow: f, open: containersOf(target).some((c) => c.ports?.some((p: any) => p.containerPort === port)) }).toEqual({ flow: f, open: true });
        expect({ flow: f, admitted: allowedFlows(objs, podLabels(target), 'Ingress')?.some((i) => i.port === f.port && /^pods\{/.test(i.peer)) }).toEqual({ flow: f, admitted: true });
      }
    }
  });

  it('only the gateway accepts traffic from outside the namespace, through the Ingress (Prometheus may scrape /metrics)', () => {
    const fromOutside = (w: K8sObject) => flowLines(allowedFlows(objs, podLabels(w), 'Ingress')).filter((l) => !l.startsWith('pods{'));
    for (const w of workloads(objs)) {
      const app = w.metadata.name;
      const expected = [
        ...(app === 'gateway' ? [`ns{kubernetes.io/metadata.name=ingress-nginx} @ TCP/${PORT}`] : []),
        ...(APPS.includes(app) ? [`ns{kubernetes.io/metadata.name=monitoring} @ TCP/${PORT}`] : []),
      ].sort();
      expect({ app, fromOutside: fromOutside(w) }).toEqual({ app, fromOutside: expected });
    }
    const ingresses = objs.filter((o) => o.kind === 'Ingress');
    expect(ingresses.map((i) => i.metadata.name)).toEqual(['gateway']);
    const backends = ingresses.flatMap((i) => i.spec.rules.flatMap((r: any) => r.http.paths.map((p: any) => p.backend.service)));
    expect(backends.length).toBeGreaterThan(0);
    for (const b of backends) expect(b).toEqual({ name: 'gateway', port: { name: 'http' } });
    // health and metrics stay inside: only the API prefixes are routed
    expect(ingresses[0]!.spec.rules[0].http.paths.map((p: any) => p.path)).toEqual(['/v1', '/docs']);
    expect(ingresses[0]!.spec.defaultBackend).toBeUndefined();
    for (const svc of objs.filter((o) => o.kind === 'Service')) expect([svc.metadata.name, svc.spec.type ?? 'ClusterIP']).toEqual([svc.metadata.name, 'ClusterIP']);
  });

  it('NATS is a JetStream StatefulSet whose config, routes and storage fit its replicas', () => {
    const sts = find(objs, 'StatefulSet', 'nats');
    const replicas: number = sts.spec.replicas;
    const headless = find(objs, 'Service', sts.spec.serviceName);
    expect(headless.spec.clusterIP).toBe('None');
    expect(selects({ matchLabels: headless.spec.selector }, podLabels(sts))).toBe(true);
    const c = sts.spec.template.spec.containers[0];
    const [major, minor] = parseImage(c.image).tag!.split(/[.-]/).map(Number) as [number, number];
    expect(major * 100 + minor).toBeGreaterThanOrEqual(210);
    expect(c.env).toContainEqual({ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } });

    const conf = natsConf(objs);
    expect(sts.spec.template.spec.volumes).toContainEqual({ name: 'config', configMap: { name: 'nats-config' } });
    expect(conf).toMatch(/^server_name: \$POD_NAME$/m);
    const js = /jetstream \{([^}]*)\}/.exec(conf)?.[1] ?? '';
    const storeDir = /store_dir: (\S+)/.exec(js)?.[1];
    const maxFile = /max_file_store: (\S+)/.exec(js)?.[1];
    const dataMount = c.volumeMounts.find((m: any) => m.name === 'data');
    expect(storeDir === dataMount.mountPath || storeDir?.startsWith(`${dataMount.mountPath}/`)).toBe(true);
    const claim = sts.spec.volumeClaimTemplates.find((t: any) => t.metadata.name === 'data');
    expect(bytes(maxFile!)).toBeLessThan(bytes(claim.spec.resources.requests.storage));

    const routes = [...conf.matchAll(/nats:\/\/([^\s:]+):6222/g)].map((m) => m[1]);
    if (replicas === 1) {
      expect(conf).not.toMatch(/cluster \{/);
    } else {
      expect(replicas % 2).toBe(1); // an odd cluster: a quorum survives (replicas - 1) / 2 losses
      expect(routes).toEqual(Array.from({ length: replicas }, (_, i) => `nats-${i}.${headless.metadata.name}`));
      expect(headless.spec.publishNotReadyAddresses).toBe(true);
      expect(sts.spec.podManagementPolicy).toBe('Parallel');
    }
  });

  it('services use the NATS, Redis and collector Services, with as many stream replicas as NATS nodes', () => {
    const cfg = sharedConfig(objs);
    const svcPort = (url: string) => {
      const u = new URL(url);
      const svc = find(objs, 'Service', u.hostname);
      expect(svc.spec.ports.map((p: any) => p.port)).toContain(Number(u.port));
      return svc.metadata.name;
    };
    expect(svcPort(cfg.NATS_URL!)).toBe('nats');
    expect(svcPort(cfg.REDIS_URL!)).toBe('redis');
    expect(svcPort(cfg.OTEL_EXPORTER_OTLP_ENDPOINT!)).toBe('otel-collector');
    expect(new URL(cfg.OTEL_EXPORTER_OTLP_ENDPOINT!).port).toBe('4318'); // OTLP over HTTP
    expect(Number(cfg.STREAM_REPLICAS)).toBe(find(objs, 'StatefulSet', 'nats').spec.replicas);
  });
});

describe('dev overlay', () => {
  const objs = rendered.dev;

  it('runs one replica of everything, small, in development mode, on one NATS node with R1 streams', () => {
    for (const app of APPS) {
      expect([app, find(objs, 'Deployment', app).spec.replicas, find(objs, 'HorizontalPodAutoscaler', app).spec.minReplicas]).toEqual([app, 1, 1]);
      expect(bytes(appContainer(objs, app).resources.limits.memory)).toBeLessThanOrEqual(bytes('256Mi'));
      expect(appContainer(objs, app).image).toBe(`bitcraps/${app}:dev`);
    }
    expect(sharedConfig(objs)).toMatchObject({ NODE_ENV: 'development', STREAM_REPLICAS: '1' });
    expect(find(objs, 'StatefulSet', 'nats').spec.replicas).toBe(1);
  });
});

describe('prod overlay', () => {
  const objs = rendered.prod;

  it('runs at least two replicas of every service, autoscaled, with pinned images', () => {
    for (const app of APPS) {
      const replicas = find(objs, 'Deployment', app).spec.replicas;
      const hpa = find(objs, 'HorizontalPodAutoscaler', app).spec;
      expect([app, replicas >= 2, hpa.minReplicas >= 2, hpa.maxReplicas > hpa.minReplicas]).toEqual([app, true, true, true]);
    }
    expect(find(objs, 'Deployment', 'gateway').spec.replicas).toBe(3);
    for (const w of workloads(objs)) {
      for (const c of containersOf(w)) {
        const tag = parseImage(c.image).tag;
        expect({ image: c.image, pinned: tag !== undefined && tag !== 'latest' && tag !== 'dev' }).toEqual({ image: c.image, pinned: true });
      }
    }
  });

  it('the gateway without ADMIN_TOKEN would not start, which is why prod requires the secret key', () => {
    const env = containerEnv(objs, appContainer(objs, 'gateway'));
    delete env.ADMIN_TOKEN;
    const { GatewayConfigSchema } = require(path.join(ROOT, 'apps/gateway/src/config'));
    expect(() => loadConfig('gateway', GatewayConfigSchema, env)).toThrow(/ADMIN_TOKEN/);
  });

  it('sets NODE_ENV=production and STREAM_REPLICAS=3 on a 3-node NATS cluster that fsyncs every write', () => {
    expect(sharedConfig(objs)).toMatchObject({ NODE_ENV: 'production', STREAM_REPLICAS: '3' });
    expect(find(objs, 'StatefulSet', 'nats').spec.replicas).toBe(3);
    expect(/jetstream \{[^}]*\n\s*sync_interval: always\n[^}]*\}/.test(natsConf(objs))).toBe(true);
    // the prod config is the base config plus that one line, so the two cannot drift apart
    expect(natsConf(objs).replace(/^\s*sync_interval: always\n/m, '')).toBe(natsConf(rendered.base));
    expect(find(objs, 'StatefulSet', 'nats').spec.template.spec.topologySpreadConstraints[0].whenUnsatisfiable).toBe('DoNotSchedule');
  });

  it('terminates TLS at the Ingress', () => {
    const ing = find(objs, 'Ingress', 'gateway').spec;
    expect(ing.tls).toEqual([{ hosts: [ing.rules[0].host], secretName: 'bitcraps-tls' }]);
  });

  it('is the base with only what its kustomization says changed (no stray kustomization files)', () => {
    const kustomizations = filesUnder(DEPLOY).filter((f) => /(^|\/)kustomization\.ya?ml$/.test(f)).map((f) => path.relative(DEPLOY, f)).sort();
    expect(kustomizations).toEqual(['base/kustomization.yaml', 'overlays/dev/kustomization.yaml', 'overlays/prod/kustomization.yaml']);
    expect(kustomizationFile(path.join(DEPLOY, 'overlays/prod'))).toBeDefined();
    expect(objs.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual(rendered.base.map((o) => `${o.kind}/${o.metadata.name}`).sort());
  });
});
