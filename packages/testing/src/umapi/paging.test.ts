import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { paginate } from './paging.js';

describe('paginate', () => {
  it('covers every item once across pages', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 500 }),
        fc.integer({ min: 1, max: 60 }),
        (total, pageSize) => {
          const seen: number[] = [];
          let page = 0;
          for (;;) {
            const result = paginate(total, page, pageSize, (index) => index);
            seen.push(...result.items);
            expect(result.headers['x-current-page']).toBe(String(page));
            if (result.lastPage) break;
            expect(result.items).toHaveLength(pageSize);
            page += 1;
          }

          expect(seen).toEqual(Array.from({ length: total }, (_, index) => index));
          expect(page + 1).toBe(Math.max(1, Math.ceil(total / pageSize)));
        },
      ),
    );
  });

  it('reports the paging headers', () => {
    expect(paginate(5, 1, 2, (index) => index).headers).toEqual({
      'x-total-count': '5',
      'x-page-count': '3',
      'x-current-page': '1',
      'x-page-size': '2',
    });
  });
});
