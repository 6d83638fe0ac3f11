import { jsonDepthExceeds, MAX_JSON_DEPTH } from './json-depth';

const nestedArrays = (n: number): unknown => JSON.parse(`${'['.repeat(n)}${']'.repeat(n)}`);
const nestedObjects = (n: number): unknown => JSON.parse(`${'{"a":'.repeat(n)}1${'}'.repeat(n)}`);

describe('jsonDepthExceeds', () => {
  it('lets every body shape of the API through', () => {
    expect(jsonDepthExceeds({ type: 'place', amount: 12, number: 6 })).toBe(false);
    expect(jsonDepthExceeds({ allowedBets: ['pass', 'field'], maxOdds: '3-4-5' })).toBe(false);
    expect(jsonDepthExceeds({ rollIndex: 1, dice: [3, 4], signature: 'x' })).toBe(false);
    for (const scalar of [null, 0, 'x', true]) expect(jsonDepthExceeds(scalar)).toBe(false);
  });

  it('counts arrays and objects alike, up to the limit and not one level more', () => {
    for (const nested of [nestedArrays, nestedObjects]) {
      expect(jsonDepthExceeds(nested(MAX_JSON_DEPTH))).toBe(false);
      expect(jsonDepthExceeds(nested(MAX_JSON_DEPTH + 1))).toBe(true);
    }
    expect(jsonDepthExceeds({ a: [{ b: [1] }] }, 4)).toBe(false);
    expect(jsonDepthExceeds({ a: [{ b: [1] }] }, 3)).toBe(true);
  });

  it('walks a body nested 200 000 deep without overflowing the stack', () => {
    expect(jsonDepthExceeds(nestedArrays(200_000))).toBe(true);
  });
});
