import { isUmapiError } from '@umapi/auth-core';
import { ConnectionClosedError, HttpError, ListingError, ResponseError } from './errors.js';
import type { UmapiResponse } from './request.js';

/** How to read one listing: which items key the pages carry and how to fetch a page. */
export interface ListingSpec {
  listing: 'users' | 'groups';
  /** Fetches one page, numbered from 0. */
  fetchPage(page: number): Promise<UmapiResponse>;
  /** The request path of a page, for error messages. */
  pagePath(page: number): string;
  /**
   * Whether a group or domain filter narrows the listing. Only such a listing
   * reads UMAPI's JSON 404 on the first page as "no match".
   */
  filtered: boolean;
  signal?: AbortSignal;
}

/**
 * Yields every item of a paged UMAPI listing, one page in memory at a time.
 *
 * The listing stops only on a page with `lastPage: true`. Callers delete
 * accounts that a listing leaves out, so every other way to stop is an error.
 * That covers a failed page, a page without `result: 'success'`, and more
 * pages than the `X-Page-Count` header announced. One extra page is allowed
 * because the directory can grow during the listing.
 *
 * A 404 on the first page yields nothing only for a filtered listing (users of
 * a group or a domain). Its body must also be UMAPI's JSON error with a
 * `result` code, as UMAPI returns for a group that does not exist. Any other
 * 404, such as a proxy's HTML page or the 404 of a mistyped endpoint, is a
 * `ListingError`, because an empty listing would tell a sync that the org has
 * no users.
 *
 * @throws ListingError naming the page, with the request's error as `cause`.
 * @throws The signal's reason when the caller aborts.
 * @throws ConnectionClosedError, unwrapped, when the connection is closed.
 */
export function listItems<Item>(spec: ListingSpec): AsyncIterableIterator<Item> {
  return new ListingIterator<Item>(spec);
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

/**
 * The iterator behind {@link listItems}. It is a class rather than an async
 * generator because a generator spends extra microtask turns on every
 * `yield`, a measurable part of the time to list 100,000 users. Like a
 * generator, it serves calls in order, so a `next()` made while a page loads
 * waits for that page.
 */
class ListingIterator<Item> implements AsyncIterableIterator<Item> {
  readonly #spec: ListingSpec;
  #items: readonly Item[] = [];
  #index = 0;
  #page = 0;
  #itemsRead = 0;
  /** The headers and `lastPage` flag of the page in `#items`, or undefined before the first page. */
  #current: { headers: Headers; lastPage: boolean } | undefined;
  #finished = false;
  #loading: Promise<IteratorResult<Item>> | undefined;

  constructor(spec: ListingSpec) {
    this.#spec = spec;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<Item>> {
    if (this.#loading !== undefined) {
      const next = () => this.next();
      return this.#loading.then(next, next);
    }

    if (this.#index < this.#items.length) {
      const value = this.#items[this.#index] as Item;
      this.#index += 1;
      return Promise.resolve({ done: false, value });
    }

    if (this.#finished) {
      return Promise.resolve(DONE);
    }

    const loading = this.#readNextPage();
    this.#loading = loading;
    return loading.finally(() => {
      this.#loading = undefined;
    });
  }

  /** Ends the listing early, as `break` in a `for await` loop does. No further page is requested. */
  async return(): Promise<IteratorResult<Item>> {
    await this.#loading?.catch(() => undefined);
    this.#finish();
    return DONE;
  }

  // After the last item of a page, the steps follow the listing contract in
  // order. Count the page's items, stop on `lastPage`, check the page count,
  // and only then request the next page.
  async #readNextPage(): Promise<IteratorResult<Item>> {
    try {
      for (;;) {
        if (this.#current !== undefined) {
          this.#itemsRead += this.#items.length;
          if (this.#current.lastPage) {
            this.#finish();
            return DONE;
          }

          checkPageCount(this.#spec, this.#page, this.#itemsRead, this.#current.headers);
          this.#page += 1;
        }

        const response = await fetchListingPage(this.#spec, this.#page, this.#itemsRead);
        if (response === undefined) {
          this.#finish();
          return DONE;
        }

        const { items, lastPage } = readPage<Item>(
          this.#spec,
          this.#page,
          this.#itemsRead,
          response,
        );
        this.#items = items;
        this.#index = 0;
        this.#current = { headers: response.headers, lastPage };

        // An empty page that is not the last one goes straight on to the next page.
        if (items.length > 0) {
          this.#index = 1;
          return { done: false, value: items[0] as Item };
        }
      }
    } catch (error) {
      this.#finish();
      throw error;
    }
  }

  #finish(): void {
    this.#finished = true;
    this.#items = [];
    this.#index = 0;
  }
}

async function fetchListingPage(
  spec: ListingSpec,
  page: number,
  itemsRead: number,
): Promise<UmapiResponse | undefined> {
  try {
    return await spec.fetchPage(page);
  } catch (error) {
    if (spec.signal?.aborted) {
      throw spec.signal.reason;
    }

    // A closed connection stops the listing as an abort does: no page failed.
    if (error instanceof ConnectionClosedError) {
      throw error;
    }

    if (page === 0 && spec.filtered && isNoMatch(error)) {
      return undefined;
    }

    throw listingError(spec, page, itemsRead, error);
  }
}

/**
 * Checks whether a first-page error is UMAPI's "no match" response: a 404
 * whose body is a JSON object with an error code in `result`, as UMAPI sends
 * for a group that does not exist. An HTML or empty 404 comes from elsewhere.
 * NOTE: a server that sends this JSON shape for a wrong path, as the fake
 * UMAPI does, still makes a filtered listing empty.
 */
function isNoMatch(error: unknown): boolean {
  if (!(error instanceof HttpError) || error.status !== 404) {
    return false;
  }

  const body = error.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return false;
  }

  const result = (body as { result?: unknown }).result;
  return typeof result === 'string' && result !== '' && result !== 'success';
}

function readPage<Item>(
  spec: ListingSpec,
  page: number,
  itemsRead: number,
  response: UmapiResponse,
): { items: Item[]; lastPage: boolean } {
  const body = response.body as Record<string, unknown> | null;
  const problem = describePageProblem(spec.listing, body);
  if (problem !== undefined) {
    const cause = new ResponseError(
      `UMAPI responded to page ${page} of the ${spec.listing} listing with ${problem}`,
      {
        status: response.status,
        method: 'GET',
        path: spec.pagePath(page),
      },
    );
    throw listingError(spec, page, itemsRead, cause);
  }

  return {
    items: (body as Record<string, Item[]>)[spec.listing] as Item[],
    lastPage: (body as { lastPage: boolean }).lastPage,
  };
}

function describePageProblem(
  listing: string,
  body: Record<string, unknown> | null,
): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return 'a body that is not a JSON object';
  }

  if (body.result !== 'success') {
    return `result '${String(body.result)}' instead of 'success'`;
  }

  if (!Array.isArray(body[listing])) {
    return `no '${listing}' array`;
  }

  if (typeof body.lastPage !== 'boolean') {
    return "no boolean 'lastPage' field";
  }

  return undefined;
}

function checkPageCount(
  spec: ListingSpec,
  page: number,
  itemsRead: number,
  headers: Headers,
): void {
  const header = headers.get('x-page-count');
  const pageCount = header === null ? Number.NaN : Number(header);
  if (!Number.isInteger(pageCount) || pageCount < 0) {
    return;
  }

  // The next page would be number page + 1, that is page + 2 pages read in all.
  if (page + 2 > pageCount + 1) {
    const cause = new ResponseError(
      `UMAPI announced ${pageCount} pages (X-Page-Count) but page ${page} of the ${spec.listing} listing is not marked lastPage`,
      { status: 200, method: 'GET', path: spec.pagePath(page) },
    );
    throw listingError(spec, page + 1, itemsRead, cause);
  }
}

function listingError(
  spec: ListingSpec,
  page: number,
  itemsRead: number,
  cause: unknown,
): ListingError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  const code = isUmapiError(cause) ? ` [${cause.code}]` : '';
  const hint =
    page === 0 && cause instanceof HttpError && cause.status === 404
      ? '. Check that the endpoint ends with /v2/usermanagement and that no proxy answers in its place'
      : '';
  return new ListingError(
    `Listing ${spec.listing} failed on page ${page} after ${itemsRead} ${spec.listing} were read; the listing is incomplete: ${reason}${code}${hint}`,
    {
      listing: spec.listing,
      page,
      itemsRead,
      cause,
    },
  );
}
