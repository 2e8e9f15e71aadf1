import type {
  AttentionGroupView,
  AttentionRetryView,
  AttentionView,
  MappingSummaryView,
} from '../../admin.responses.js';
import { api, download, query } from './api.js';
import { badge, clear, el, field, notice } from './dom.js';
import { errorLine, plural, when } from './format.js';
import { describeError, mappingFilter, recordLink, runLink, show, type ViewSession } from './page.js';

const FILTERS = ['mapping', 'error', 'since'] as const;

/** Every row failed or parked now, grouped by error; groups leave the view as later runs fix their rows. */
export async function showAttention(session: ViewSession): Promise<void> {
  const params = session.params;
  const filters = {
    mapping: params.get('mapping'),
    error: params.get('error'),
    since: params.get('since'),
  };
  const [attention, mappings] = await Promise.all([
    api<AttentionView>(`/admin/attention${query(filters)}`),
    api<MappingSummaryView[]>('/admin/mappings'),
  ]);
  if (!session.current) {
    return;
  }
  const message = el('div', { id: 'attention-message' });
  const groups = el('div', { id: 'attention' });
  const render = (view: AttentionView) => renderGroups(groups, view, session, filters.since, message);
  render(attention);
  show([
    el('h2', { text: 'Needs attention' }),
    el('p', {
      class: 'muted',
      text: 'Rows that are failed (waiting for their next retry) or parked (waiting for you) now, across all runs, grouped by error.',
    }),
    filterForm(params, mappings),
    message,
    groups,
  ]);
  session.follow(async () => {
    render(await api<AttentionView>(`/admin/attention${query(filters)}`));
    return true;
  });
}

function filterForm(params: URLSearchParams, mappings: readonly MappingSummaryView[]): HTMLFormElement {
  const since = params.get('since');
  const form = el('form', { class: 'inline card', id: 'attention-filter' }, [
    mappingFilter(mappings, params.get('mapping')),
    el('label', {}, [
      'Error contains',
      el('input', { name: 'error', value: params.get('error') ?? '', size: 30 }),
    ]),
    el('label', {}, [
      'Failed since',
      el('input', {
        name: 'since',
        type: 'datetime-local',
        value: since === null ? '' : toLocalInput(since),
      }),
    ]),
    el('button', { type: 'submit', text: 'Filter' }),
  ]);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const values = Object.fromEntries(FILTERS.map((name) => [name, field(form, name)]));
    values.since = values.since === '' ? '' : new Date(values.since).toISOString();
    location.hash = `#/attention${query(values)}`;
  });
  return form;
}

function toLocalInput(iso: string): string {
  const date = new Date(iso);
  return new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

function renderGroups(
  container: HTMLElement,
  view: AttentionView,
  session: ViewSession,
  since: string | null,
  message: HTMLElement,
): void {
  clear(container).append(
    view.groups.length === 0
      ? notice('Nothing needs attention: no row is failed or parked now.', 'good')
      : el('p', {
          id: 'attention-summary',
          text: `${plural(view.rows, 'row')} in ${plural(view.groups.length, 'group')} (as of ${when(view.generatedAt)})`,
        }),
    ...view.groups.map((group) => groupCard(group, session, since, message)),
  );
}

function groupCard(
  group: AttentionGroupView,
  session: ViewSession,
  since: string | null,
  message: HTMLElement,
): HTMLElement {
  const selector = { mapping: group.mapping, fingerprint: group.fingerprint, since };
  const retry = el('button', { type: 'button', class: 'primary', text: 'Retry these' });
  retry.addEventListener('click', () => {
    retry.disabled = true;
    api<AttentionRetryView>('/admin/attention/retry', 'POST', { ...selector, since: since ?? undefined })
      .then((accepted) =>
        clear(message).append(
          el('div', { class: 'notice good', role: 'status' }, [
            'Run ',
            runLink(accepted.runId),
            ` queued for ${plural(accepted.erpKeys, 'row')} of ${group.mapping}.`,
          ]),
        ),
      )
      .catch((error: unknown) =>
        clear(message).append(notice(`Retry failed: ${describeError(error)}`, 'bad')),
      )
      .finally(() => (retry.disabled = false));
  });
  const exportCsv = el('button', { type: 'button', text: 'Export CSV' });
  exportCsv.addEventListener('click', () => {
    download(`/admin/attention/export${query(selector)}`, `${group.mapping}-attention.csv`).catch(
      session.onError,
    );
  });
  return el('section', { class: 'card group', 'data-mapping': group.mapping }, [
    el('div', { class: 'row' }, [
      el('b', { class: 'count', text: String(group.rows) }),
      el('span', { text: group.rows === 1 ? 'row' : 'rows' }),
      group.parked > 0 ? badge('parked', `${group.parked} parked`) : null,
      group.code === null ? null : el('span', { class: 'code', text: group.code }),
      el('span', { class: 'muted', text: `in ${group.mapping}` }),
      el('span', { class: 'spacer' }),
      retry,
      exportCsv,
    ]),
    el('div', { class: 'error group-message', text: group.message }),
    el('div', { class: 'muted example' }, [
      'Example: ',
      recordLink(group.mapping, group.example.erpKey),
      ' — ',
      el('span', { class: 'example-error', text: errorLine(group.example.code, group.example.message) }),
      ` · last failed ${when(group.lastFailedAt)}`,
    ]),
  ]);
}
