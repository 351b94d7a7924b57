import { renderToString } from 'solid-js/web';
import { ChatTabs } from './ChatTabs';
import { KeyChangeBanner } from './KeyChangeBanner';
import { MessageList, type ChatItem } from './MessageList';
import { PokePopup } from './Poke';
import { QrCode } from './SafetyNumberDialog';
import { EpochCode } from './EpochCode';

const XSS = '<img src=x onerror=alert(1)>';
const at = Date.UTC(2026, 0, 1, 12, 0);
const mallory = { id: 'm'.repeat(32), name: '<script>alert("name")</script>', self: false };
const me = { id: 's'.repeat(32), name: 'Me', self: true };
/** The markup outside attribute values ("<" inside a quoted attribute value is inert text). */
const markup = (html: string) => html.replace(/"[^"]*"/g, '""');

describe('rendered markup (server build)', () => {
  it('shows hostile message text, names and captions as literal text', () => {
    const items: ChatItem[] = [
      { id: '1', author: mallory, at, kind: 'text', text: XSS },
      { id: '2', author: mallory, at, kind: 'picture', caption: XSS, picture: { state: 'failed', error: XSS } },
      { id: '3', author: me, at, kind: 'system', text: XSS },
      { id: '4', author: mallory, at, kind: 'poke', text: XSS },
    ];
    const html = renderToString(() => <MessageList items={items} onEdit={() => undefined} onDelete={() => undefined} now={at} />);
    expect(markup(html)).not.toContain('<img');
    expect(markup(html)).not.toContain('<script');
    expect(html).toContain('&lt;img src=x onerror=alert(1)>');
    expect(html).toContain('&lt;script>alert("name")&lt;/script>');
    expect(html.split('&lt;img src=x onerror=alert(1)>').length - 1).toBeGreaterThanOrEqual(4);
  });

  it('clamps hostile styles at render time', () => {
    const items: ChatItem[] = [
      { id: '1', author: mallory, at, kind: 'text', text: 'hi', style: { font: "x;}</style><script>", sizePx: 500, color: 'red;background:url(https://evil.example/t)' } },
    ];
    const html = renderToString(() => <MessageList items={items} now={at} />);
    expect(html).not.toContain('evil.example');
    expect(html).not.toContain('</style>');
    expect(html).toContain('font-size:30px');
    expect(html).toContain('var(--lc-font)');
  });

  it('marks deletions, edits and own messages', () => {
    const items: ChatItem[] = [
      { id: '1', author: me, at, kind: 'text', text: 'one', edited: true },
      { id: '2', author: me, at: at + 1000, kind: 'text', text: 'two', deleted: true },
      { id: '3', author: mallory, at: at + 2000, kind: 'text', text: 'three' },
    ];
    const html = renderToString(() => <MessageList items={items} onEdit={() => undefined} onDelete={() => undefined} now={at} />);
    expect(html).toContain('data-testid="message-edited"');
    expect(html).toContain('message deleted');
    expect(html).not.toContain('>two<');
    // Only the own, not deleted message has an actions button.
    expect(html.split('data-testid="message-actions"').length - 1).toBe(1);
    // Two groups: me (1, 2) and mallory (3).
    expect(html.split('data-testid="message-author"').length - 1).toBe(2);
  });

  it('renders tabs with roles, selection and a capped unread badge', () => {
    const html = renderToString(() => (
      <ChatTabs
        tabs={[
          { id: 'c1', kind: 'channel', title: 'Lobby', unread: 0 },
          { id: 'd1', kind: 'dm', title: XSS, unread: 250, warning: true },
        ]}
        activeId="c1"
        onSelect={() => undefined}
        onClose={() => undefined}
      />
    ));
    expect(html).toContain('role="tablist"');
    expect(html).toMatch(/data-testid="chat-tab-c1"[^>]*aria-selected="true"|aria-selected="true"[^>]*data-testid="chat-tab-c1"/);
    expect(html).toContain('99+');
    expect(html).toContain('data-testid="chat-tab-close-d1"');
    expect(html).not.toContain('data-testid="chat-tab-close-c1"');
    expect(markup(html)).not.toContain('<img');
  });

  it('renders pokes, key-change banners and epoch codes as text', () => {
    let played = 0;
    const poke = renderToString(() => <PokePopup from={{ id: 'x', name: XSS }} text={XSS} at={at} onDismiss={() => undefined} playSound={() => played++} />);
    expect(poke).toContain('data-testid="poke-popup"');
    expect(markup(poke)).not.toContain('<img');
    expect(played).toBe(0); // onMount does not run on the server; in the browser it runs once
    const banner = renderToString(() => <KeyChangeBanner name={XSS} onVerify={() => undefined} onDismiss={() => undefined} />);
    expect(banner).toContain("&lt;img src=x onerror=alert(1)>'s key changed");
    const epoch = renderToString(() => <EpochCode code="4821 0937" />);
    expect(epoch).toContain('4821 0937');
    expect(epoch).toContain('man-in-the-middle');
  });

  it('draws the QR code as SVG rects', () => {
    const html = renderToString(() => <QrCode payload={new Uint8Array(64).fill(7)} label="QR" data-testid="safety-qr" />);
    expect(html).toContain('data-testid="safety-qr"');
    expect(html).toMatch(/<svg[^>]*viewBox="0 0 (\d+) \1"/);
    expect((html.match(/<rect /g) ?? []).length).toBeGreaterThan(20);
  });
});
