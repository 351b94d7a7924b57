import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderProtocolDoc } from './docs';
import { ERROR_CODES } from './errors';
import { EVENTS, REQUESTS } from './messages';

const docPath = join(__dirname, '../../../docs/protocol.md');

describe('docs/protocol.md', () => {
  const rendered = renderProtocolDoc();

  it('documents every request, event and error code', () => {
    for (const type of Object.keys(REQUESTS)) expect(rendered).toContain(`### \`${type}\``);
    for (const event of Object.keys(EVENTS)) expect(rendered).toContain(`### \`${event}\``);
    for (const code of ERROR_CODES) expect(rendered).toContain(`\`${code}\``);
  });

  it('is in step with the schemas (regenerate with `npx nx run protocol:docs`)', () => {
    if (process.env.UPDATE_PROTOCOL_DOCS === '1') writeFileSync(docPath, rendered);
    expect(readFileSync(docPath, 'utf8')).toBe(rendered);
  });
});
