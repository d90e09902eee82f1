import { DomainError } from '@fengqiao/kernel';
import { assertBoundary, boundaryContains, type Boundary } from './geo';

const code = (value: unknown) => {
  try {
    assertBoundary(value);
    return 'ok';
  } catch (e) {
    return e instanceof DomainError ? e.code : 'other';
  }
};

describe('grid boundaries', () => {
  const square: Boundary = {
    type: 'Polygon',
    coordinates: [
      [
        [120, 29],
        [121, 29],
        [121, 30],
        [120, 30],
        [120, 29],
      ],
    ],
  };
  const withHole: Boundary = {
    type: 'Polygon',
    coordinates: [
      square.coordinates[0],
      [
        [120.4, 29.4],
        [120.6, 29.4],
        [120.6, 29.6],
        [120.4, 29.6],
        [120.4, 29.4],
      ],
    ],
  };

  it('accepts polygons and multipolygons, and refuses anything else', () => {
    expect(code(square)).toBe('ok');
    expect(code({ type: 'MultiPolygon', coordinates: [square.coordinates] })).toBe('ok');
    expect(code({ type: 'Point', coordinates: [120, 29] })).toBe('DIRECTORY.INVALID_BOUNDARY');
    expect(code({ type: 'Polygon', coordinates: [] })).toBe('DIRECTORY.INVALID_BOUNDARY');
    expect(
      code({
        type: 'Polygon',
        coordinates: [
          [
            [120, 29],
            [121, 29],
            [120, 29],
          ],
        ],
      }),
    ).toBe('DIRECTORY.INVALID_BOUNDARY');
    expect(
      code({
        type: 'Polygon',
        coordinates: [
          [
            [120, 29],
            [181, 29],
            [121, 30],
            [120, 29],
          ],
        ],
      }),
    ).toBe('DIRECTORY.INVALID_BOUNDARY');
    expect(
      code({
        type: 'Polygon',
        coordinates: [
          [
            [120, 29],
            ['x', 29],
            [121, 30],
            [120, 29],
          ],
        ],
      }),
    ).toBe('DIRECTORY.INVALID_BOUNDARY');
    expect(code({ type: 'MultiPolygon', coordinates: [] })).toBe('DIRECTORY.INVALID_BOUNDARY');
    expect(code(null)).toBe('DIRECTORY.INVALID_BOUNDARY');
  });

  it('tells inside from outside, holes included', () => {
    expect(boundaryContains(square, [120.2, 29.2])).toBe(true);
    expect(boundaryContains(square, [121.5, 29.5])).toBe(false);
    expect(boundaryContains(withHole, [120.5, 29.5])).toBe(false);
    expect(boundaryContains(withHole, [120.2, 29.2])).toBe(true);
  });
});
