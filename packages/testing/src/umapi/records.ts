/** The account types UMAPI reports. */
export type UserType = 'adobeID' | 'enterpriseID' | 'federatedID';

/** A user as UMAPI returns it in listings and lookups. */
export interface UmapiUser {
  /** The user ID. Default: 24 upper-case hex digits and `@AdobeID`, from a counter. */
  id: string;
  /** The user's email address. */
  email: string;
  /** Account status. Default `active`. */
  status: 'active' | 'disabled';
  /** The login name. Default: the email address. */
  username: string;
  /** The domain of the account. Default: the domain of the email address. */
  domain: string;
  /** Given name. Default `''`. */
  firstname: string;
  /** Family name. Default `''`. */
  lastname: string;
  /** ISO 3166 country code; `UD` when unknown, as UMAPI reports it. */
  country: string;
  /** Account type. Default `federatedID`. */
  type: UserType;
  /** Names of the user groups and product profiles the user belongs to. */
  groups: string[];
}

/** A group as UMAPI returns it in group listings. */
export interface UmapiGroup {
  /** Numeric group ID. Default: 1, or one above the highest ID so far. */
  groupId: number;
  /** The group name, matched without regard to case. */
  groupName: string;
  /** Group kind. Default `USER_GROUP`. */
  type: 'USER_GROUP' | 'PRODUCT_PROFILE' | 'SYSTEM';
  /** Number of users whose `groups` name this group, counted at listing time. */
  memberCount: number;
  /** The product, for a product profile. */
  productName?: string;
}

/** A group with the fields that group listings leave out, as `FakeUmapi.getGroup()` returns it. */
export interface GroupDetails extends UmapiGroup {
  /** The description set by a createUserGroup or updateUserGroup step, if any. */
  description?: string;
  /** Names of the product profiles assigned to this user group by `add: { productConfiguration }` steps. */
  productProfiles: string[];
}

/** A user to seed the fake with: `email` is required, every other field has a default. */
export type UserSeed = Partial<UmapiUser> & {
  /** The user's email address. */
  email: string;
};

/** A group to seed the fake with: `groupName` is required. Default type `USER_GROUP`. */
export type GroupSeed = Partial<Omit<UmapiGroup, 'memberCount'>> & {
  /** The group name. */
  groupName: string;
};

/** The groups a fake UMAPI has when none are given. */
export const DEFAULT_GROUPS: GroupSeed[] = [
  { groupName: 'Engineering' },
  { groupName: 'Marketing' },
  { groupName: 'Sales' },
  { groupName: 'Support' },
  { groupName: 'Default All Apps configuration', type: 'PRODUCT_PROFILE', productName: 'All Apps' },
];

/** Email domains of generated users, alternating by index so `?domain=` filters can be tested. */
export const GENERATED_DOMAINS = ['example.com', 'example.org'];

/** Builds a full user record from a seed, filling UMAPI's defaults. */
export function userFromSeed(seed: UserSeed, id: string): UmapiUser {
  const domain = seed.domain ?? seed.email.split('@')[1] ?? '';
  return {
    id: seed.id ?? id,
    email: seed.email,
    status: seed.status ?? 'active',
    username: seed.username ?? seed.email,
    domain,
    firstname: seed.firstname ?? '',
    lastname: seed.lastname ?? '',
    country: seed.country ?? 'UD',
    type: seed.type ?? 'federatedID',
    groups: [...(seed.groups ?? [])],
  };
}

/** Formats a user ID in the shape UMAPI uses: 24 upper-case hex digits and `@AdobeID`. */
export function userIdFor(sequence: number): string {
  return `${sequence.toString(16).toUpperCase().padStart(24, '0')}@AdobeID`;
}
