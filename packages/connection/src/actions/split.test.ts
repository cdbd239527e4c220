import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ActionPiece, splitAction } from './split.js';
import { UMAPI_LIMITS, type UserActionJson, type UserStepJson } from './types.js';

const groupList = fc.array(fc.constantFrom('A', 'B', 'C', 'D'), { minLength: 1, maxLength: 35 });

const step: fc.Arbitrary<UserStepJson> = fc.oneof(
  groupList.map((group) => ({ add: { group } })),
  groupList.map((group) => ({ remove: { group } })),
  fc.constant({ remove: 'all' } as UserStepJson),
  fc.constant({ update: { firstname: 'Jane' } } as UserStepJson),
);

const action: fc.Arbitrary<UserActionJson> = fc
  .array(step, { minLength: 1, maxLength: 25 })
  .map((steps) => ({ user: 'jdoe@example.com', requestID: 'r', do: steps }));

/** Joins the group chunks of each caller step back together, using the step map. */
function rebuild(pieces: ActionPiece<UserActionJson>[], stepCount: number): UserStepJson[] {
  const rebuilt: UserStepJson[] = [];
  for (const piece of pieces) {
    piece.entry.do.forEach((part, index) => {
      const origin = piece.stepMap[index]!;
      const existing = rebuilt[origin];
      if (existing === undefined) {
        rebuilt[origin] = structuredClone(part);
      } else if ('add' in existing && 'add' in part) {
        existing.add.group.push(...part.add.group);
      } else if (
        'remove' in existing &&
        existing.remove !== 'all' &&
        'remove' in part &&
        part.remove !== 'all'
      ) {
        existing.remove.group.push(...part.remove.group);
      } else {
        throw new Error(`step ${origin} was split into different kinds`);
      }
    });
  }
  expect(rebuilt).toHaveLength(stepCount);
  return rebuilt;
}

describe('splitAction', () => {
  it('respects every limit', () => {
    fc.assert(
      fc.property(action, (input) => {
        for (const piece of splitAction(input)) {
          expect(piece.entry.do.length).toBeGreaterThan(0);
          expect(piece.entry.do.length).toBeLessThanOrEqual(UMAPI_LIMITS.stepsPerEntry);
          for (const part of piece.entry.do) {
            const groups =
              'add' in part
                ? part.add.group
                : 'remove' in part && part.remove !== 'all'
                  ? part.remove.group
                  : [];
            expect(groups.length).toBeLessThanOrEqual(UMAPI_LIMITS.groupsPerStep);
          }
        }
      }),
    );
  });

  it('keeps every step in order', () => {
    fc.assert(
      fc.property(action, (input) => {
        const pieces = splitAction(input);

        const origins = pieces.flatMap((piece) => piece.stepMap);
        expect(origins).toEqual([...origins].sort((a, b) => a - b));
        expect(rebuild(pieces, input.do.length)).toEqual(input.do);
      }),
    );
  });

  it('keeps the user fields on every entry', () => {
    const input: UserActionJson = {
      user: 'jdoe',
      domain: 'example.com',
      requestID: 'r7',
      useAdobeID: false,
      do: Array.from({ length: 12 }, () => ({ remove: 'all' as const })),
    };

    const pieces = splitAction(input);

    expect(pieces).toHaveLength(2);
    for (const piece of pieces) {
      expect(piece.entry).toMatchObject({
        user: 'jdoe',
        domain: 'example.com',
        requestID: 'r7',
        useAdobeID: false,
      });
    }
  });

  it('adds the replay-safe option to creates only', () => {
    const input: UserActionJson = {
      user: 'jdoe@example.com',
      do: [{ addAdobeID: { email: 'jdoe@example.com' } }, { update: { lastname: 'Doe' } }],
    };

    expect(splitAction(input)[0]!.entry.do).toEqual([
      { addAdobeID: { email: 'jdoe@example.com', option: 'ignoreIfAlreadyExists' } },
      { update: { lastname: 'Doe' } },
    ]);
  });
});
