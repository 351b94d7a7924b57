import { membersNotInChannel } from './membership-check';

describe('membersNotInChannel', () => {
  it('lists group members who are not visibly in the channel, never oneself', () => {
    expect(membersNotInChannel(['me', 'ann', 'bob'], ['me', 'ann', 'bob', 'cat'], 'me')).toEqual([]);
    expect(membersNotInChannel(['me', 'ann', 'ghost'], new Set(['ann']), 'me')).toEqual(['ghost']);
    expect(membersNotInChannel([], [], 'me')).toEqual([]);
  });
});
