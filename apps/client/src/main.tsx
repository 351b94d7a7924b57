// Composition root: every provider is assembled here, in dependency order.
import { render } from 'solid-js/web';
import '@lemon/ui';
import './views/app.css';
import { ConnectionProvider } from './connection/ConnectionProvider';
import { IdentityProvider } from './identity/IdentityProvider';
import { ModalsProvider } from './modals/ModalsProvider';
import { NoticesProvider } from './notices/NoticesProvider';
import { PreferencesProvider } from './preferences/PreferencesProvider';
import { ServersProvider } from './servers/ServersProvider';
import { VoiceProvider } from './voice/VoiceProvider';
import { App } from './views/App';

const root = document.getElementById('root');
if (!root) throw new Error('#root is missing from index.html');

render(
  () => (
    <PreferencesProvider>
      <NoticesProvider>
        <IdentityProvider>
          <ServersProvider>
            <ConnectionProvider>
              <VoiceProvider>
                <ModalsProvider>
                  <App />
                </ModalsProvider>
              </VoiceProvider>
            </ConnectionProvider>
          </ServersProvider>
        </IdentityProvider>
      </NoticesProvider>
    </PreferencesProvider>
  ),
  root,
);
