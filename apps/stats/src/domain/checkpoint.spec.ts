import { generationOf, joinCheckpoint, MAX_PIECE_BYTES, newGeneration, pieceBytes, pieceKey, replaces, splitCheckpoint, staleGenerations } from './checkpoint';
import { emptyStats, fold, type StatsState } from './projection';

/** A state with `n` open games (some with non-ASCII ids, so a piece may end inside a character). */
function withGames(n: number): StatsState {
  let s = emptyStats();
  for (let i = 0; i < n; i++) s = fold(s, { seq: i + 1, at: 1_000 + i, fact: { kind: 'game-created', gameId: i % 7 === 0 ? `g_é€_${i}` : `g_${i}` } });
  return s;
}

describe('stats checkpoint pieces', () => {
  it('sizes pieces at half the server max_payload, at most 256 KiB', () => {
    expect(pieceBytes(undefined)).toBe(MAX_PIECE_BYTES);
    expect(pieceBytes(1024 * 1024)).toBe(256 * 1024);
    expect(pieceBytes(64 * 1024)).toBe(32 * 1024);
    expect(pieceBytes(0)).toBe(MAX_PIECE_BYTES);
  });

  it('splits a state into pieces under the limit and joins them back identical', () => {
    const state = withGames(3_000);
    const { head, pieces } = splitCheckpoint(state, newGeneration(state.lastSeq, 'abc'), 10_000);
    expect(pieces.length).toBeGreaterThan(10);
    expect(pieces.every((p) => p.length <= 10_000)).toBe(true);
    expect(head).toMatchObject({ gen: '3000.abc', pieces: pieces.length, lastSeq: 3_000, version: state.version });
    expect(joinCheckpoint(head, pieces)).toEqual({ state });
  });

  it('an empty state is one piece', () => {
    const { head, pieces } = splitCheckpoint(emptyStats(), '0.x', 1_000_000);
    expect(pieces).toHaveLength(1);
    expect(joinCheckpoint(head, pieces)).toEqual({ state: emptyStats() });
  });

  it('refuses pieces that are missing, reordered, mixed with another generation or of another length', () => {
    const a = withGames(500);
    const { head, pieces } = splitCheckpoint(a, '500.a', 4_000);
    const other = splitCheckpoint(fold(withGames(500), { seq: 501, at: 9, fact: { kind: 'game-created', gameId: 'g_x' } }), '501.b', 4_000);
    expect(joinCheckpoint(head, [...pieces.slice(0, 2), null, ...pieces.slice(3)])).toEqual({ error: 'piece 2 of generation 500.a is missing' });
    expect(joinCheckpoint(head, pieces.slice(1))).toHaveProperty('error');
    expect(joinCheckpoint(head, [pieces[1], pieces[0], ...pieces.slice(2)])).toEqual({ error: 'the pieces of generation 500.a do not match the head\'s hash' });
    expect(joinCheckpoint(head, [...pieces.slice(0, -1), other.pieces[pieces.length - 1]])).toHaveProperty('error');
    expect(joinCheckpoint({ ...head, bytes: head.bytes + 1 }, pieces)).toHaveProperty('error');
    // a head whose position differs from its state's
    const lying = { ...head, lastSeq: 7 };
    expect(joinCheckpoint(lying, pieces)).toEqual({ error: 'the state of generation 500.a does not match its head' });
  });

  it('names pieces by generation', () => {
    const gen = newGeneration(42, 'a1b2-c3');
    expect(pieceKey(gen, 3)).toBe('piece.42.a1b2-c3.3');
    expect(generationOf('piece.42.a1b2-c3.3')).toBe(gen);
    expect(generationOf('projection')).toBeNull();
    expect(generationOf('piece.42.x')).toBeNull();
    // an id with characters a KV key or a subject token cannot hold loses them
    expect(newGeneration(1, 'a.b*c>')).toBe('1.abc');
  });

  it('moves the head only forward, and over a checkpoint of another version whatever its position', () => {
    expect(replaces(null, { lastSeq: 0, version: 2 })).toBe(true);
    expect(replaces({ lastSeq: 10, version: 2 }, { lastSeq: 11, version: 2 })).toBe(true);
    expect(replaces({ lastSeq: 10, version: 2 }, { lastSeq: 10, version: 2 })).toBe(false);
    expect(replaces({ lastSeq: 10, version: 2 }, { lastSeq: 9, version: 2 })).toBe(false);
    expect(replaces({ lastSeq: 99, version: 1 }, { lastSeq: 9, version: 2 })).toBe(true);
  });

  it('purges the generations the head has passed, keeps the head and writes in flight past it', () => {
    const keys = ['piece.10.old.0', 'piece.10.old.1', 'piece.20.head.0', 'piece.20.lost.0', 'piece.30.flight.0', 'piece.30.flight.1', 'projection', 'other.5.x.0'];
    expect(staleGenerations(keys, { gen: '20.head', lastSeq: 20 })).toEqual(['10.old', '20.lost']);
    // once a later head passes the crashed or slow write, it goes too
    expect(staleGenerations(keys, { gen: '31.new', lastSeq: 31 })).toEqual(['10.old', '20.head', '20.lost', '30.flight']);
    // no head (none yet, or a single-value checkpoint): nothing is known stale
    expect(staleGenerations(keys, null)).toEqual([]);
  });
});
