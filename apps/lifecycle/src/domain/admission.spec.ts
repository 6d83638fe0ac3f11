import { admit, AdmissionSchema, confirm, IN_FLIGHT_GRACE_MS, oldSlots, reconcile, release, releaseTable, reserveTable, SLOT_GRACE_MS, type Admission } from './admission';
import { T0 } from './fixtures';

const g = (n: number) => `g_00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

describe('admission count', () => {
  it('admits up to the maximum, then refuses; a redelivered create finds its pending admission', () => {
    let doc: Admission | null = null;
    for (let i = 1; i <= 3; i++) {
      const d = admit(doc, g(i), 3, T0);
      expect(d.result).toBe(true);
      doc = d.next!;
    }
    expect(admit(doc, g(4), 3, T0)).toEqual({ result: false });
    expect(doc!.open).toBe(3);
    // g2 is still pending (its game not written): its redelivery is admitted again, not counted twice
    expect(admit(doc, g(2), 3, T0)).toEqual({ result: true });
    doc = release(doc).next!;
    expect(admit(doc, g(4), 3, T0).result).toBe(true);
  });

  it('keeps only the creates in flight: confirming one empties its place', () => {
    let doc = admit(null, g(1), 5, T0).next!;
    doc = admit(doc, g(2), 5, T0).next!;
    expect(doc.pending.map((p) => p.gameId)).toEqual([g(1), g(2)]);
    doc = confirm(doc, g(1)).next!;
    expect(doc).toEqual({ open: 2, pending: [{ gameId: g(2), at: T0 }] });
    expect(confirm(doc, g(1))).toEqual({ result: false }); // nothing to write
  });

  it('stays small however many games were ever created', () => {
    let doc: Admission | null = null;
    for (let i = 1; i <= 5_000; i++) {
      doc = admit(doc, g(i), 10_000, T0).next!;
      doc = confirm(doc, g(i)).next!;
      if (i % 2 === 0) doc = release(doc).next!;
    }
    expect(doc).toEqual({ open: 2_500, pending: [] });
  });

  it('never counts below zero', () => {
    expect(release(null)).toEqual({ result: false });
  });

  it('reads a document of the former shape (decisions and releases remembered) as its count', () => {
    expect(AdmissionSchema.parse({ open: 4, decisions: [{ gameId: g(1), admitted: true, at: T0 }], released: [g(2)] })).toEqual({ open: 4, pending: [] });
  });

  it('recounts from the games found, counting recent admissions still in flight', () => {
    let doc = admit(null, g(1), 9, T0).next!;
    doc = admit(doc, g(2), 9, T0).next!;
    doc = admit(doc, g(3), 9, T0 - IN_FLIGHT_GRACE_MS).next!;
    doc = { ...doc, open: 7 };
    // g1 open in KV, g2 not written yet (in flight), g3 never written and too old
    expect(reconcile(doc, { open: new Set([g(1)]), all: new Set([g(1)]) }, T0)).toEqual({ open: 2, pending: [{ gameId: g(2), at: T0 }] });
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
