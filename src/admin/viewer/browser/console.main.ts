import type { ConsoleMetaView } from '../../admin.responses.js';
import { api, ApiError, token } from './api.js';
import { showAttention } from './attention.view.js';
import { field } from './dom.js';
import { showHealth } from './health.view.js';
import { showLogin } from './login.view.js';
import { failedView, ViewSession } from './page.js';
import { showRecord } from './record.view.js';
import { showRun } from './run.view.js';
import { showSearch } from './search.view.js';

/** The console's router: `#/` health and runs, `#/attention`, `#/runs/:id`, `#/records/:mapping/:key`, `#/search?q=`. */
let meta: ConsoleMetaView | undefined;
let session: ViewSession | undefined;

function failed(error: unknown): void {
  if (error instanceof ApiError && error.status === 401) {
    session?.end();
    showLogin(error.message, route);
    return;
  }
  failedView(error);
}

async function open(hash: string): Promise<void> {
  meta ??= await api<ConsoleMetaView>('/admin/console');
  const [pathText, search = ''] = hash.replace(/^#/, '').split('?');
  const path = pathText.split('/').filter(Boolean).map(decodeURIComponent);
  session = new ViewSession(meta, new URLSearchParams(search), (error) => failed(error));
  const view = session;
  if (path[0] === 'runs' && path.length === 2) {
    return showRun(view, path[1]);
  }
  if (path[0] === 'records' && path.length === 3) {
    return showRecord(view, path[1], path[2]);
  }
  if (path[0] === 'attention') {
    return showAttention(view);
  }
  if (path[0] === 'search') {
    return showSearch(view);
  }
  return showHealth(view);
}

function route(): void {
  session?.end();
  session = undefined;
  if (token.get() === null) {
    showLogin(null, route);
    return;
  }
  open(location.hash).catch(failed);
}

document.getElementById('forget')?.addEventListener('click', () => {
  token.forget();
  route();
});
const search = document.getElementById('search');
if (search instanceof HTMLFormElement) {
  search.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = field(search, 'q');
    if (text !== '') {
      location.hash = `#/search?q=${encodeURIComponent(text)}`;
    }
  });
}
window.addEventListener('hashchange', route);
route();
