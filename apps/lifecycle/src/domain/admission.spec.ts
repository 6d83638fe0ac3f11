import { admit, IN_FLIGHT_GRACE_MS, oldSlots, reconcile, release, releaseTable, reserveTable, SLOT_GRACE_MS, type Admission } from './admission';
import { T0 } from './fixtures';

const g = (n: number) => `g_00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

describe('admission count', () => {
  it('admits up to the maximum, then refuses; a replay keeps its first decision', () => {
    let doc: Admission | null = null;
    for (let i = 1; i <= 3; i++) {
      const d = admit(doc, g(i), 3, T0);
      expect(d.result).toBe(true);
      doc = d.next!;
    }
    const refused = admit(doc, g(4), 3, T0);
    expect(refused.result).toBe(false);
    doc = refused.next!;
    expect(doc.open).toBe(3);
    expect(admit(doc, g(2), 3, T0)).toEqual({ result: true });
    doc = release(doc, g(1)).next!;
    expect(admit(doc, g(4), 3, T0)).toEqual({ result: false }); // first answer stands
    expect(admit(doc, g(5), 3, T0).result).toBe(true);
  });

  it('frees a slot once per game', () => {
    const doc = admit(null, g(1), 5, T0).next!;
    const freed = release(doc, g(1));
    expect(freed.next!.open).toBe(0);
    expect(release(freed.next!, g(1))).toEqual({ result: false });
  });

  it('recounts from the games found, counting recent admissions still in flight', () => {
    let doc = admit(null, g(1), 9, T0).next!;
    doc = admit(doc, g(2), 9, T0).next!;
    doc = admit(doc, g(3), 9, T0 - IN_FLIGHT_GRACE_MS).next!;
    doc = { ...doc, open: 7 };
    // g1 open in KV, g2 not written yet (in flight), g3 never written and too old
    expect(reconcile(doc, { open: new Set([g(1)]), all: new Set([g(1)]) }, T0).open).toBe(2);
  });
});

describe('player table slots', () => {
  it('reserves up to the maximum; a held slot is not taken twice; release frees it', () => {
    let doc = reserveTable(null, g(1), 2, T0).next!;
    expect(reserveTable(doc, g(1), 2, T0)).toEqual({ result: 'held' });
    doc = reserveTable(doc, g(2), 2, T0).next!;
    expect(reserveTable(doc, g(3), 2, T0)).toEqual({ result: 'full' });
    doc = releaseTable(doc, g(1)).next!;
    expect(reserveTable(doc, g(3), 2, T0).result).toBe('reserved');
    expect(releaseTable(doc, g(9))).toEqual({ result: false });
  });

  it('reclaims stale slots only when old enough', () => {
    const doc = reserveTable(reserveTable(null, g(1), 2, T0).next!, g(2), 2, T0 + SLOT_GRACE_MS).next!;
    expect(oldSlots(doc, g(3), T0 + SLOT_GRACE_MS)).toEqual([g(1)]);
    const stale = new Set([g(1), g(2)]);
    const d = reserveTable(doc, g(3), 2, T0 + SLOT_GRACE_MS, stale);
    expect(d.result).toBe('reserved');
    expect(d.next!.tables.map((t) => t.gameId)).toEqual([g(2), g(3)]);
  });
});
