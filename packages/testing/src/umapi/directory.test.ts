import { describe, expect, it } from 'vitest';
import { Directory } from './directory.js';

describe('Directory.removeGroup', () => {
  it('drops a removed profile from user groups', () => {
    const directory = Directory.create({
      generatedUsers: 0,
      seededUsers: [{ email: 'ana@example.com', groups: ['Sales', 'All Apps'] }],
      groups: [
        { groupName: 'Sales' },
        { groupName: 'Support' },
        { groupName: 'All Apps', type: 'PRODUCT_PROFILE' },
        { groupName: 'Acrobat', type: 'PRODUCT_PROFILE' },
      ],
    });
    directory.updateGroup('Sales', { productProfiles: ['All Apps', 'Acrobat'] });
    directory.updateGroup('Support', { productProfiles: ['all apps'] });

    directory.removeGroup('ALL APPS');

    expect(directory.findGroup('All Apps')).toBeUndefined();
    expect(directory.findGroup('Sales')?.productProfiles).toEqual(['Acrobat']);
    expect(directory.findGroup('Support')?.productProfiles).toEqual([]);
    expect(directory.user(directory.findUser('ana@example.com')!.ref).groups).toEqual(['Sales']);
  });

  it('keeps other generated users in their groups', () => {
    const directory = Directory.create({
      generatedUsers: 6,
      seededUsers: [],
      groups: [{ groupName: 'A' }, { groupName: 'B' }, { groupName: 'C' }],
    });

    directory.removeGroup('B');

    const groups = directory.listUsers().map((ref) => directory.user(ref).groups);
    expect(groups).toEqual([['A'], [], ['C'], ['A'], [], ['C']]);
  });
});
