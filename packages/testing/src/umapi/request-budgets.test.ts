import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BUDGET_WINDOW_MS, RequestBudgets } from './rate-limits.js';

describe('RequestBudgets', () => {
  it('never admits more than the limit in any window', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 }),
        fc.array(fc.integer({ min: 0, max: 20_000 }), { maxLength: 200 }),
        (limit, gapsMs) => {
          const budgets = new RequestBudgets({
            users: limit,
            groupUsers: 1,
            groups: 1,
            actions: 1,
          });
          const admitted: number[] = [];
          let nowMs = 0;

          for (const gapMs of gapsMs) {
            nowMs += gapMs;
            const decision = budgets.admit('client', 'users', nowMs);
            if (decision.allowed) {
              admitted.push(nowMs);
              continue;
            }

            // A rejected request is told a wait after which a slot is free.
            expect(decision.waitMs).toBeGreaterThan(0);
            expect(decision.waitMs).toBeLessThanOrEqual(BUDGET_WINDOW_MS);
          }

          for (const [index, time] of admitted.entries()) {
            const inWindow = admitted
              .slice(index)
              .filter((other) => other < time + BUDGET_WINDOW_MS);
            expect(inWindow.length).toBeLessThanOrEqual(limit);
          }
        },
      ),
    );
  });

  it('admits again once the advised wait has passed', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 0, max: 59_999 }),
        (limit, spreadMs) => {
          const budgets = new RequestBudgets({
            users: 1,
            groupUsers: 1,
            groups: 1,
            actions: limit,
          });
          for (let index = 0; index < limit; index++) {
            expect(budgets.admit('client', 'actions', (spreadMs * index) / limit).allowed).toBe(
              true,
            );
          }

          const nowMs = spreadMs;
          const decision = budgets.admit('client', 'actions', nowMs);
          expect(decision.allowed).toBe(false);
          if (decision.allowed) return;

          expect(budgets.admit('client', 'actions', nowMs + decision.waitMs - 1).allowed).toBe(
            false,
          );
          expect(budgets.admit('client', 'actions', nowMs + decision.waitMs).allowed).toBe(true);
        },
      ),
    );
  });
});
