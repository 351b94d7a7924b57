import { ErrorCode, ProtocolError, type NameProblem } from '@lemon/protocol';

const WORDS: Record<NameProblem, (what: string, max: number) => string> = {
  empty: (what) => `the ${what} is empty`,
  too_long: (what, max) => `the ${what} is longer than ${max} characters`,
  forbidden_characters: (what) => `the ${what} contains control or text-direction characters`,
};

/** NAME_INVALID with words saying what is wrong with the name. */
export function nameInvalid(what: string, problem: NameProblem, max: number): ProtocolError {
  return new ProtocolError(ErrorCode.NAME_INVALID, WORDS[problem](what, max));
}
