import {
  GENERATED_DOMAINS,
  type GroupDetails,
  type GroupSeed,
  type UmapiGroup,
  type UmapiUser,
  type UserSeed,
  userFromSeed,
  userIdFor,
} from './records.js';

/**
 * A reference to a stored user: a number is the index of a generated user,
 * a string the ID of a seeded or created one.
 */
export type UserRef = number | string;

interface GroupRecord {
  groupId: number;
  groupName: string;
  type: UmapiGroup['type'];
  productName: string | undefined;
  /** Set by a createUserGroup or updateUserGroup step. */
  description: string | undefined;
  /** Names of the product profiles assigned to this user group. Replaced, never changed in place. */
  productProfiles: readonly string[];
}

/** Options of a {@link Directory}. */
export interface DirectoryOptions {
  generatedUsers: number;
  seededUsers: UserSeed[];
  groups: GroupSeed[];
}

const GENERATED_EMAIL = /^user(\d+)@(.+)$/;

/**
 * The users and groups of one fake org. Generated users are not stored: user
 * `i` is computed from its index on demand, and only users that a test
 * changed or removed take memory. So 100,000 generated users start in
 * microseconds and cost a few megabytes once listed.
 */
export class Directory {
  #generatedCount = 0;
  /** Changed generated users by index; `null` marks a removed one. */
  #overrides = new Map<number, UmapiUser | null>();
  /** Seeded and created users by ID, in insertion order. */
  #stored = new Map<string, UmapiUser>();
  /** Lower-case email to reference, for every stored or changed user. */
  #emailIndex = new Map<string, UserRef>();
  #groups = new Map<string, GroupRecord>();
  #memberGroupNames: string[] = [];
  #nextUserSequence = 1;
  #nextGroupId = 1;
  #version = 0;
  #listCache = new Map<string, UserRef[]>();
  #listCacheVersion = -1;
  #memberCounts: Map<string, number> | undefined;
  #memberCountsVersion = -1;

  static create(options: DirectoryOptions): Directory {
    const directory = new Directory();
    for (const seed of options.groups) directory.addGroup(seed);
    directory.#memberGroupNames = [...directory.#groups.values()]
      .filter((group) => group.type === 'USER_GROUP')
      .map((group) => group.groupName);
    directory.#generatedCount = options.generatedUsers;
    directory.#nextUserSequence = options.generatedUsers + 1;
    for (const seed of options.seededUsers)
      directory.addUser(userFromSeed(seed, directory.nextUserId()));
    return directory;
  }

  /** Copies the state, for a test-mode action run that must leave the original untouched. */
  clone(): Directory {
    const copy = new Directory();
    copy.#generatedCount = this.#generatedCount;
    copy.#overrides = new Map(
      [...this.#overrides].map(([index, user]) => [index, user && copyUser(user)]),
    );
    copy.#stored = new Map([...this.#stored].map(([id, user]) => [id, copyUser(user)]));
    copy.#emailIndex = new Map(this.#emailIndex);
    copy.#groups = new Map([...this.#groups].map(([key, group]) => [key, { ...group }]));
    copy.#memberGroupNames = this.#memberGroupNames;
    copy.#nextUserSequence = this.#nextUserSequence;
    copy.#nextGroupId = this.#nextGroupId;
    return copy;
  }

  nextUserId(): string {
    const id = userIdFor(this.#nextUserSequence);
    this.#nextUserSequence += 1;
    return id;
  }

  // --- users -------------------------------------------------------------

  /** Finds a user by email, case-insensitively. */
  findUser(email: string): { ref: UserRef; user: UmapiUser } | undefined {
    const key = email.toLowerCase();
    const indexed = this.#emailIndex.get(key);
    if (indexed !== undefined) return { ref: indexed, user: this.#read(indexed)! };

    const match = GENERATED_EMAIL.exec(key);
    if (!match) return undefined;
    const index = Number(match[1]);
    if (index >= this.#generatedCount || this.#overrides.has(index)) return undefined;
    if (generatedEmail(index) !== key) return undefined;
    return { ref: index, user: this.#generate(index) };
  }

  /** Adds a new user. The caller checks that the email is free. */
  addUser(user: UmapiUser): void {
    for (const groupName of user.groups) this.ensureGroup(groupName);
    this.#stored.set(user.id, user);
    this.#emailIndex.set(user.email.toLowerCase(), user.id);
    this.#touch();
  }

  /** Replaces the stored record of `ref`, keeping the email index in step. */
  replaceUser(ref: UserRef, user: UmapiUser): void {
    const previous = this.#read(ref);
    if (previous) this.#unindex(ref, previous);

    if (typeof ref === 'number') this.#overrides.set(ref, user);
    else this.#stored.set(ref, user);
    this.#emailIndex.set(user.email.toLowerCase(), ref);
    this.#touch();
  }

  removeUser(ref: UserRef): void {
    const previous = this.#read(ref);
    if (previous) this.#unindex(ref, previous);

    if (typeof ref === 'number') this.#overrides.set(ref, null);
    else this.#stored.delete(ref);
    this.#touch();
  }

  /**
   * Lists user references matching the filters, in a stable order: generated
   * users by index, then seeded and created users in insertion order. The
   * list is cached until the next change, so paging through it is cheap.
   * With `indirect`, a product profile's listing also includes the members of
   * every user group the profile is assigned to, as UMAPI's `directOnly=false` does.
   */
  listUsers(filter: { domain?: string; group?: string; indirect?: boolean } = {}): UserRef[] {
    if (this.#listCacheVersion !== this.#version) {
      this.#listCache.clear();
      this.#listCacheVersion = this.#version;
    }

    const domain = filter.domain?.toLowerCase();
    const group = filter.group?.toLowerCase();
    const cacheKey = `${domain ?? ''}\u0000${group ?? ''}\u0000${filter.indirect === true}`;
    const cached = this.#listCache.get(cacheKey);
    if (cached) return cached;

    const memberOf = new Set(group === undefined ? [] : [group]);
    if (group !== undefined && filter.indirect === true) {
      for (const other of this.#groups.values()) {
        if (other.productProfiles.some((profile) => profile.toLowerCase() === group)) {
          memberOf.add(other.groupName.toLowerCase());
        }
      }
    }

    const refs: UserRef[] = [];
    const accept = (ref: UserRef): void => {
      if (domain !== undefined && this.#domainOf(ref) !== domain) return;
      if (group !== undefined && !this.#groupsOf(ref).some((name) => memberOf.has(name.toLowerCase())))
        return;
      refs.push(ref);
    };
    for (let index = 0; index < this.#generatedCount; index++) {
      if (this.#overrides.get(index) !== null) accept(index);
    }
    for (const id of this.#stored.keys()) accept(id);

    this.#listCache.set(cacheKey, refs);
    return refs;
  }

  /** Reads the user behind `ref`, and throws if it was removed. */
  user(ref: UserRef): UmapiUser {
    const user = this.#read(ref);
    if (!user) throw new Error(`User ${String(ref)} no longer exists.`);
    return user;
  }

  // --- groups ------------------------------------------------------------

  findGroup(name: string): GroupRecord | undefined {
    return this.#groups.get(name.toLowerCase());
  }

  addGroup(seed: GroupSeed): GroupRecord {
    const group: GroupRecord = {
      groupId: seed.groupId ?? this.#nextGroupId,
      groupName: seed.groupName,
      type: seed.type ?? 'USER_GROUP',
      productName: seed.productName,
      description: undefined,
      productProfiles: [],
    };
    this.#nextGroupId = Math.max(this.#nextGroupId, group.groupId) + 1;
    this.#groups.set(seed.groupName.toLowerCase(), group);
    this.#touch();
    return group;
  }

  /** Returns the group, creating a user group of that name if there is none. */
  ensureGroup(name: string): GroupRecord {
    return this.findGroup(name) ?? this.addGroup({ groupName: name });
  }

  /**
   * Removes a group, takes it out of every member's `groups` and, for a product profile,
   * out of the `productProfiles` of every user group it was assigned to.
   */
  removeGroup(name: string): void {
    const group = this.findGroup(name);
    if (!group) return;

    const key = group.groupName.toLowerCase();
    for (const ref of this.listUsers({ group: name })) {
      const user = this.user(ref);
      this.replaceUser(ref, {
        ...user,
        groups: user.groups.filter((member) => member.toLowerCase() !== key),
      });
    }

    for (const [groupKey, other] of this.#groups) {
      if (other.productProfiles.some((profile) => profile.toLowerCase() === key)) {
        this.#groups.set(groupKey, {
          ...other,
          productProfiles: other.productProfiles.filter((profile) => profile.toLowerCase() !== key),
        });
      }
    }

    // #memberGroupNames keeps the name: every generated user it gave this group now has an
    // override without it, and removing the entry would move the other generated users.
    this.#groups.delete(key);
    this.#touch();
  }

  /** Replaces the description or product profiles of a group. {@link renameGroup} changes the name. */
  updateGroup(
    name: string,
    fields: Partial<Pick<GroupRecord, 'description' | 'productProfiles'>>,
  ): void {
    const group = this.findGroup(name);
    if (!group) return;

    this.#groups.set(name.toLowerCase(), { ...group, ...fields });
    this.#touch();
  }

  /**
   * Renames a group, and its members keep it: every user whose `groups`
   * contains it gets the new name in the same position, generated users
   * included. The caller checks that the new name is free.
   */
  renameGroup(oldName: string, newName: string): void {
    const group = this.findGroup(oldName);
    if (!group) return;

    const previous = group.groupName;
    for (const ref of this.listUsers({ group: previous })) {
      // Unchanged generated users take their group from #memberGroupNames, updated below.
      if (typeof ref === 'number' && !this.#overrides.has(ref)) continue;

      const user = this.user(ref);
      this.replaceUser(ref, {
        ...user,
        groups: user.groups.map((member) =>
          member.toLowerCase() === previous.toLowerCase() ? newName : member,
        ),
      });
    }

    // A new array, because a clone made for test mode shares the old one.
    this.#memberGroupNames = this.#memberGroupNames.map((member) =>
      member.toLowerCase() === previous.toLowerCase() ? newName : member,
    );
    this.#groups.delete(oldName.toLowerCase());
    this.#groups.set(newName.toLowerCase(), { ...group, groupName: newName });
    this.#touch();
  }

  /** Reads one group with its description and product profiles, or `undefined`. */
  groupDetails(name: string): GroupDetails | undefined {
    const group = this.findGroup(name);
    if (!group) return undefined;

    const listed = this.listGroups().find((candidate) => candidate.groupId === group.groupId)!;
    const details: GroupDetails = { ...listed, productProfiles: [...group.productProfiles] };
    if (group.description !== undefined) details.description = group.description;
    return details;
  }

  /** Lists every group with its current member count, in creation order. */
  listGroups(): UmapiGroup[] {
    const counts = this.#countMembers();
    return [...this.#groups.values()].map((group) => {
      const listed: UmapiGroup = {
        groupId: group.groupId,
        groupName: group.groupName,
        type: group.type,
        memberCount: counts.get(group.groupName.toLowerCase()) ?? 0,
      };
      if (group.productName !== undefined) listed.productName = group.productName;
      return listed;
    });
  }

  // --- internals ---------------------------------------------------------

  #touch(): void {
    this.#version += 1;
  }

  #read(ref: UserRef): UmapiUser | undefined {
    if (typeof ref === 'string') return this.#stored.get(ref);
    if (ref < 0 || ref >= this.#generatedCount) return undefined;

    const override = this.#overrides.get(ref);
    if (override === null) return undefined;
    return override ?? this.#generate(ref);
  }

  #unindex(ref: UserRef, user: UmapiUser): void {
    const key = user.email.toLowerCase();
    if (this.#emailIndex.get(key) === ref) this.#emailIndex.delete(key);
  }

  #generate(index: number): UmapiUser {
    const email = generatedEmail(index);
    const number = String(index).padStart(6, '0');
    const groupName = this.#memberGroupNames[index % Math.max(this.#memberGroupNames.length, 1)];
    return {
      id: userIdFor(index + 1),
      email,
      status: 'active',
      username: email,
      domain: generatedDomain(index),
      firstname: 'User',
      lastname: number,
      country: 'US',
      type: 'federatedID',
      groups: groupName === undefined ? [] : [groupName],
    };
  }

  /** The domain of `ref`, without building a record for an unchanged generated user. */
  #domainOf(ref: UserRef): string {
    if (typeof ref === 'number' && !this.#overrides.has(ref)) return generatedDomain(ref);
    return this.user(ref).domain.toLowerCase();
  }

  #groupsOf(ref: UserRef): string[] {
    if (typeof ref === 'number' && !this.#overrides.has(ref)) {
      const name = this.#memberGroupNames[ref % Math.max(this.#memberGroupNames.length, 1)];
      return name === undefined ? [] : [name];
    }
    return this.user(ref).groups;
  }

  #countMembers(): Map<string, number> {
    if (this.#memberCounts && this.#memberCountsVersion === this.#version)
      return this.#memberCounts;

    const counts = new Map<string, number>();
    for (const ref of this.listUsers()) {
      for (const name of this.#groupsOf(ref)) {
        const key = name.toLowerCase();
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
    }
    this.#memberCounts = counts;
    this.#memberCountsVersion = this.#version;
    return counts;
  }
}

function generatedDomain(index: number): string {
  return GENERATED_DOMAINS[index % GENERATED_DOMAINS.length]!;
}

function generatedEmail(index: number): string {
  return `user${String(index).padStart(6, '0')}@${generatedDomain(index)}`;
}

function copyUser(user: UmapiUser): UmapiUser {
  return { ...user, groups: [...user.groups] };
}
