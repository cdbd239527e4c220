/** One page of a listing plus UMAPI's paging headers. */
export interface Page<T> {
  items: T[];
  lastPage: boolean;
  headers: Record<string, string>;
}

/** Slices page `page` (from 0) of `total` items; a page past the end is empty and last. */
export function paginate<T>(
  total: number,
  page: number,
  pageSize: number,
  itemAt: (index: number) => T,
): Page<T> {
  const start = page * pageSize;
  const end = Math.min(start + pageSize, total);
  const items: T[] = [];
  for (let index = start; index < end; index++) items.push(itemAt(index));

  const pageCount = Math.max(1, Math.ceil(total / pageSize));
  return {
    items,
    lastPage: page >= pageCount - 1,
    headers: {
      'x-total-count': String(total),
      'x-page-count': String(pageCount),
      'x-current-page': String(page),
      'x-page-size': String(pageSize),
    },
  };
}
