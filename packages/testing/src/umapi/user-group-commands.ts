import type { Directory } from './directory.js';
import { StepError } from './step-error.js';

/**
 * Runs one step of a user group action (an entry with `usergroup`) and
 * returns the group's name after the step, which a rename changes. A step
 * checks every user or product profile it names before it changes anything,
 * so a failed step leaves no part of itself applied.
 *
 * @throws StepError with UMAPI's error code when the step fails.
 */
export function runUserGroupCommand(
  directory: Directory,
  groupName: string,
  name: string,
  params: unknown,
): string {
  const options = (typeof params === 'object' && params !== null ? params : {}) as Record<
    string,
    unknown
  >;

  if (name === 'createUserGroup') {
    return createUserGroup(directory, groupName, options);
  }

  const group = directory.findGroup(groupName);
  if (!group) {
    throw new StepError(
      'error.group.not_found',
      `Group ${groupName} does not exist in this organization.`,
    );
  }

  // UMAPI's usergroup commands look up user groups only. NOTE: the code UMAPI returns for a
  // product profile or admin group named here is not documented; not_found is an assumption.
  if (group.type !== 'USER_GROUP') {
    throw new StepError(
      'error.group.not_found',
      `${group.groupName} is a ${group.type === 'PRODUCT_PROFILE' ? 'product profile' : 'system group'}, not a user group.`,
    );
  }

  if (name === 'updateUserGroup') {
    return updateUserGroup(directory, group.groupName, options);
  }

  if (name === 'deleteUserGroup') {
    directory.removeGroup(group.groupName);
    return group.groupName;
  }

  if (name === 'add' || name === 'remove') {
    changeMembers(directory, group.groupName, name, params);
    return group.groupName;
  }

  throw new StepError('error.command.unknown', `Unknown user group command ${name}.`);
}

function createUserGroup(
  directory: Directory,
  groupName: string,
  options: Record<string, unknown>,
): string {
  const description = typeof options.description === 'string' ? options.description : undefined;
  const existing = directory.findGroup(groupName);

  if (existing) {
    if (options.option === 'ignoreIfAlreadyExists') return existing.groupName;
    if (options.option === 'updateIfAlreadyExists') {
      if (description !== undefined) directory.updateGroup(existing.groupName, { description });
      return existing.groupName;
    }
    throw new StepError('error.group.already_exists', `Group ${groupName} already exists.`);
  }

  directory.addGroup({ groupName });
  if (description !== undefined) directory.updateGroup(groupName, { description });
  return groupName;
}

function updateUserGroup(
  directory: Directory,
  groupName: string,
  options: Record<string, unknown>,
): string {
  const newName = options.name;
  const description = options.description;
  if (newName === undefined && description === undefined) {
    throw new StepError(
      'error.command.invalid',
      'updateUserGroup needs a "name" or a "description".',
    );
  }

  let current = groupName;
  if (newName !== undefined) {
    if (typeof newName !== 'string' || newName.length === 0) {
      throw new StepError(
        'error.command.invalid',
        `updateUserGroup "name" must be a non-empty string, got ${JSON.stringify(newName)}.`,
      );
    }

    const namesake = directory.findGroup(newName);
    if (namesake && namesake.groupName.toLowerCase() !== groupName.toLowerCase()) {
      throw new StepError(
        'error.group.already_exists',
        `Cannot rename ${groupName} to ${newName}: that group already exists.`,
      );
    }

    directory.renameGroup(groupName, newName);
    current = newName;
  }

  if (typeof description === 'string') {
    directory.updateGroup(current, { description });
  }
  return current;
}

/** Runs an add or remove step with `{ user: [...] }`, `{ productConfiguration: [...] }` or `'all'` (every product profile). */
function changeMembers(
  directory: Directory,
  groupName: string,
  name: 'add' | 'remove',
  params: unknown,
): void {
  if (params === 'all') {
    const allProfiles = directory
      .listGroups()
      .filter((group) => group.type === 'PRODUCT_PROFILE')
      .map((group) => group.groupName);
    directory.updateGroup(groupName, { productProfiles: name === 'add' ? allProfiles : [] });
    return;
  }

  const record = (typeof params === 'object' && params !== null ? params : {}) as Record<
    string,
    unknown
  >;
  if (Array.isArray(record.user)) {
    changeUsers(directory, groupName, name, record.user.map(String));
  } else if (Array.isArray(record.productConfiguration)) {
    changeProfiles(directory, groupName, name, record.productConfiguration.map(String));
  } else {
    throw new StepError(
      'error.command.invalid',
      `${name} on a user group needs { "user": [emails] }, { "productConfiguration": [names] } or "all".`,
    );
  }
}

function changeUsers(
  directory: Directory,
  groupName: string,
  name: 'add' | 'remove',
  emails: string[],
): void {
  const found = emails.map((email) => {
    const user = directory.findUser(email);
    if (!user) {
      throw new StepError(
        'error.user.nonexistent',
        `User ${email} does not exist in this organization.`,
      );
    }
    return user;
  });

  const key = groupName.toLowerCase();
  for (const { ref } of found) {
    // Read again: the same user may be named twice in one list.
    const user = directory.user(ref);
    const isMember = user.groups.some((member) => member.toLowerCase() === key);
    if (name === 'add' && !isMember) {
      directory.replaceUser(ref, { ...user, groups: [...user.groups, groupName] });
    } else if (name === 'remove' && isMember) {
      const groups = user.groups.filter((member) => member.toLowerCase() !== key);
      directory.replaceUser(ref, { ...user, groups });
    }
  }
}

function changeProfiles(
  directory: Directory,
  groupName: string,
  name: 'add' | 'remove',
  profileNames: string[],
): void {
  const profiles = profileNames.map((profileName) => {
    const profile = directory.findGroup(profileName);
    // A user group is never of type PRODUCT_PROFILE, so this also stops a group naming itself.
    if (profile?.type !== 'PRODUCT_PROFILE') {
      throw new StepError(
        'error.group.not_found',
        `Product profile ${profileName} does not exist in this organization.`,
      );
    }
    return profile.groupName;
  });

  const current = directory.findGroup(groupName)!.productProfiles;
  if (name === 'add') {
    const added = profiles.filter((profile, index) => {
      return !current.includes(profile) && profiles.indexOf(profile) === index;
    });
    directory.updateGroup(groupName, { productProfiles: [...current, ...added] });
  } else {
    directory.updateGroup(groupName, {
      productProfiles: current.filter((profile) => !profiles.includes(profile)),
    });
  }
}
