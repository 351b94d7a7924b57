import { ERROR_TEXT, ErrorCode, ProtocolError } from '@lemon/protocol';
import { describeError, serverSentence } from './errors';

describe('describeError', () => {
  it('shows the words for the code, not the message, for most codes', () => {
    expect(describeError(new ProtocolError(ErrorCode.FORBIDDEN, 'user 7 may not delete channel 3'))).toBe(ERROR_TEXT.FORBIDDEN);
    expect(describeError(new ProtocolError(ErrorCode.WRONG_SERVER, 'address example.org:4747 is not ours'))).toBe(
      'This login was signed for a different server address.',
    );
  });

  it('shows the server’s reason for CHANNEL_INVALID as a sentence, the generic words otherwise', () => {
    expect(describeError(new ProtocolError(ErrorCode.CHANNEL_INVALID, 'a channel with that name already exists there'))).toBe(
      'A channel with that name already exists there.',
    );
    expect(describeError(new ProtocolError(ErrorCode.CHANNEL_INVALID, 'channels nest at most 5 levels deep'))).toBe('Channels nest at most 5 levels deep.');
    expect(describeError(new ProtocolError(ErrorCode.CHANNEL_INVALID))).toBe(ERROR_TEXT.CHANNEL_INVALID);
    expect(describeError(new ProtocolError(ErrorCode.CHANNEL_INVALID, ''))).toBe(ERROR_TEXT.CHANNEL_INVALID);
    expect(describeError(new ProtocolError(ErrorCode.CHANNEL_INVALID, ' \u0000\u202E\u200B… '))).toBe(ERROR_TEXT.CHANNEL_INVALID);
  });
});

describe('serverSentence', () => {
  it('keeps markup as literal text and strips control and direction characters', () => {
    expect(serverSentence('<b>no</b>\u202E\n\tthanks')).toBe('<b>no</b> thanks.');
    expect(serverSentence('Already a sentence!')).toBe('Already a sentence!');
  });

  it('bounds the length', () => {
    const long = serverSentence('x'.repeat(5000))!;
    expect([...long].length).toBeLessThanOrEqual(201);
    expect(long.endsWith('….')).toBe(false);
    expect(long.endsWith('…')).toBe(true);
  });
});
