// The Grafana dashboard of docker-compose (compose/grafana/dashboards): figures that every
// replica computes in full must not be added up over replicas.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

const DASHBOARD = path.resolve(__dirname, '../compose/grafana/dashboards/bitcraps-overview.json');

/** Gauges each replica computes over the whole state (stats' projection, treasury's ledger fold, the gateway's audit). */
const WHOLE_STATE = ['bitcraps_games_active', 'bitcraps_total_pot_chips', 'bitcraps_treasury_bankroll', 'bitcraps_treasury_stacks', 'bitcraps_treasury_escrow', 'bitcraps_treasury_open_exposure', 'bitcraps_audit_chips'];

function expressions(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(expressions);
  if (typeof node !== 'object' || node === null) return [];
  return Object.entries(node).flatMap(([k, v]) => (k === 'expr' && typeof v === 'string' ? [v] : expressions(v)));
}

describe('the Grafana dashboard', () => {
  const exprs = expressions(JSON.parse(readFileSync(DASHBOARD, 'utf8')));

  it.each(WHOLE_STATE)('%s: one replica\'s figure (max), not the sum over replicas', (metric) => {
    const uses = exprs.filter((e) => new RegExp(`\\b${metric}\\b`).test(e));
    expect(uses.length).toBeGreaterThan(0);
    for (const e of uses) {
      expect({ e, summed: new RegExp(`sum\\s*(by\\s*\\([^)]*\\)\\s*)?\\(\\s*${metric}\\b`).test(e) }).toEqual({ e, summed: false });
      expect({ e, max: new RegExp(`max\\s*(by\\s*\\([^)]*\\)\\s*)?\\(\\s*${metric}\\b`).test(e) }).toEqual({ e, max: true });
    }
  });

  it('shows the audit: balanced, readable, and every term', () => {
    expect(exprs).toEqual(expect.arrayContaining(['min(bitcraps_audit_balanced)', 'min(bitcraps_audit_up)', 'max by (term) (bitcraps_audit_chips)']));
  });
});
