import type {
  HealthOverviewView,
  MappingHealthView,
  MappingSummaryView,
  PageView,
  RecentRunView,
  RunAcceptedView,
  RunView,
} from '../../admin.responses.js';
import { api, ApiError, query } from './api.js';
import { LIVE_OVERVIEW } from './live.js';
import { badge, cell, clear, el, field, notice, options, tableHead } from './dom.js';
import { duration, hasStatus, relative, spanSeconds, when } from './format.js';
import { describeError, mappingFilter, runLink, show, type ViewSession } from './page.js';

const RUN_COLUMNS = [
  'Run',
  'Mapping',
  'Status',
  'Trigger',
  'Mode',
  'Created',
  'Duration',
  { label: 'Read', num: true },
  { label: 'Created', num: true },
  { label: 'Updated', num: true },
  { label: 'Deleted', num: true },
  { label: 'Unchanged', num: true },
  { label: 'Failed', num: true },
];
const RUN_FILTERS = ['mapping', 'status', 'trigger'] as const;

/** Health at a glance per mapping, then the runs; both follow the sync log live. */
export async function showHealth(session: ViewSession): Promise<void> {
  const [overview, mappings] = await Promise.all([
    api<HealthOverviewView>('/admin/overview'),
    api<MappingSummaryView[]>('/admin/mappings'),
  ]);
  if (!session.current) {
    return;
  }
  const cards = el('div', { class: 'health', id: 'health' });
  renderHealth(cards, overview);
  const runs = runsList(session, mappings);
  show([
    el('h2', { text: 'Health' }),
    cards,
    el('h2', { text: 'Runs' }),
    runs.filter,
    resyncForm(session, mappings),
    runs.table,
    el('p', {}, [runs.more]),
  ]);
  await runs.loadFirst();
  session.follow(async () => {
    const [fresh] = await Promise.all([api<HealthOverviewView>('/admin/overview'), runs.loadFirst()]);
    renderHealth(cards, fresh);
    return true;
  }, LIVE_OVERVIEW);
}

function renderHealth(container: HTMLElement, overview: HealthOverviewView): void {
  const now = new Date(overview.generatedAt);
  clear(container).append(
    ...(overview.mappings.length === 0
      ? [notice('No mappings are configured (SYNC_CONFIG).')]
      : overview.mappings.map((mapping) => healthCard(mapping, now))),
  );
}

function healthCard(mapping: MappingHealthView, now: Date): HTMLElement {
  const attention = mapping.attention.failed + mapping.attention.parked;
  return el(
    'section',
    { class: `card mapping-health${attention > 0 ? ' needs-attention' : ''}`, 'data-mapping': mapping.name },
    [
      el('div', { class: 'row' }, [
        el('h3', { text: mapping.name }),
        mapping.enabled ? null : badge('cancelled', 'disabled'),
        mapping.lastRun === null ? null : badge(mapping.lastRun.status),
      ]),
      el('div', { class: 'stats' }, [
        stat('freshness', duration(mapping.freshnessSeconds), 'behind: oldest change not yet in Bitrix24', {
          'data-seconds': mapping.freshnessSeconds,
        }),
        stat(
          'attention',
          String(attention),
          `need attention: ${mapping.attention.failed} failed, ${mapping.attention.parked} parked`,
          {},
          attention > 0 ? `#/attention${query({ mapping: mapping.name })}` : null,
        ),
        stat('last-success', relative(mapping.lastSucceededAt, now), 'since the last successful run'),
        stat(
          'next-run',
          mapping.nextRunAt === null ? 'not scheduled' : relative(mapping.nextRunAt, now),
          'next run',
        ),
      ]),
      runBars(mapping.recentRuns),
    ],
  );
}

function stat(
  name: string,
  figure: string,
  label: string,
  data: Record<string, string | number> = {},
  href: string | null = null,
): HTMLElement {
  const body = [el('b', { text: figure }), el('span', { text: label })];
  return href === null
    ? el('div', { class: 'stat', 'data-stat': name, ...data }, body)
    : el('a', { class: 'stat link', 'data-stat': name, href, ...data }, body);
}

/** One bar per recent run: height by duration, colour by outcome; each links to its run. */
function runBars(runs: readonly RecentRunView[]): HTMLElement {
  if (runs.length === 0) {
    return el('p', { class: 'muted', text: 'No runs yet.' });
  }
  const longest = Math.max(1, ...runs.map((run) => run.durationSeconds ?? 0));
  return el('div', { class: 'bars', 'aria-label': 'Recent runs, oldest first' }, [
    ...runs.map((run) => {
      const height = Math.max(12, Math.round(((run.durationSeconds ?? 0) / longest) * 100));
      const bar = el('a', {
        class: `bar ${run.status}${run.dryRun ? ' dry' : ''}`,
        href: `#/runs/${run.id}`,
        title: `#${run.id} ${run.status.replace('_', ' ')}${run.dryRun ? ' (dry run)' : ''}, ${duration(run.durationSeconds)}`,
      });
      // Through the CSSOM: the CSP forbids inline style attributes, not script-set styles.
      bar.style.height = `${height}%`;
      return bar;
    }),
    el('span', { class: 'muted bars-legend', text: `last ${runs.length} runs, height = duration` }),
  ]);
}

function runsList(session: ViewSession, mappings: readonly MappingSummaryView[]) {
  const params = session.params;
  const filter = el('form', { class: 'inline card' }, [
    mappingFilter(mappings, params.get('mapping')),
    el('label', {}, [
      'Status',
      el('select', { name: 'status' }, options(session.meta.runStatuses, params.get('status'), 'all')),
    ]),
    el('label', {}, [
      'Trigger',
      el('select', { name: 'trigger' }, options(session.meta.runTriggers, params.get('trigger'), 'all')),
    ]),
    el('button', { type: 'submit', text: 'Filter' }),
  ]);
  filter.addEventListener('submit', (event) => {
    event.preventDefault();
    location.hash = `#/runs${query(Object.fromEntries(RUN_FILTERS.map((name) => [name, field(filter, name)])))}`;
  });
  const filters = Object.fromEntries(RUN_FILTERS.map((name) => [name, params.get(name)]));
  const first = el('tbody');
  const older = el('tbody');
  const more = el('button', { type: 'button', text: 'Load more', hidden: true });
  const loadOlder = async (cursor: string) => {
    const page = await api<PageView<RunView>>(`/admin/runs${query({ ...filters, cursor })}`);
    older.append(...page.items.map(runRow));
    more.hidden = page.nextCursor === null;
    more.onclick = () => page.nextCursor !== null && void loadOlder(page.nextCursor).catch(session.onError);
  };
  return {
    filter,
    more,
    table: el('table', { id: 'runs' }, [tableHead(RUN_COLUMNS), first, older]),
    /** The newest page, replaced in place (older pages the operator loaded stay below it). */
    async loadFirst(): Promise<void> {
      const page = await api<PageView<RunView>>(`/admin/runs${query(filters)}`);
      clear(first).append(
        ...(page.items.length === 0
          ? [el('tr', {}, [el('td', { colspan: 13, class: 'muted', text: 'No runs yet.' })])]
          : page.items.map(runRow)),
      );
      if (older.childElementCount === 0) {
        more.hidden = page.nextCursor === null;
        more.onclick = () =>
          page.nextCursor !== null && void loadOlder(page.nextCursor).catch(session.onError);
      }
    },
  };
}

function runRow(run: RunView): HTMLTableRowElement {
  const counters = run.counters;
  const end = run.finishedAt ?? (hasStatus(run.status, 'running') ? new Date().toISOString() : null);
  return el('tr', { class: `run ${run.status}` }, [
    cell(runLink(run.id)),
    cell(run.mapping),
    cell(badge(run.status)),
    cell(run.trigger),
    cell(run.dryRun ? el('span', {}, [run.mode, ' ', badge('dry', 'dry run')]) : run.mode),
    cell(when(run.createdAt)),
    cell(duration(spanSeconds(run.startedAt, end))),
    cell(counters.rowsRead, true),
    cell(counters.created, true),
    cell(counters.updated, true),
    cell(counters.deleted, true),
    cell(counters.unchanged, true),
    cell(counters.failed, true),
  ]);
}

function resyncForm(session: ViewSession, mappings: readonly MappingSummaryView[]): HTMLElement | null {
  if (mappings.length === 0) {
    return null;
  }
  const message = el('div');
  const dryRun = el('input', { type: 'checkbox', name: 'dryRun' });
  const form = el('form', { class: 'inline', id: 'resync' }, [
    el('label', {}, [
      'Mapping',
      el(
        'select',
        { name: 'mapping' },
        options(
          mappings.map((m) => m.name),
          null,
        ),
      ),
    ]),
    el('label', {}, ['Mode', el('select', { name: 'mode' }, options(session.meta.runModes, 'incremental'))]),
    el('label', {}, [
      'Only these ERP keys (optional, one per line)',
      el('textarea', { name: 'keys', rows: 1, cols: 30 }),
    ]),
    el('label', { class: 'check' }, [dryRun, 'Dry run (no writes to Bitrix24)']),
    el('button', { class: 'primary', type: 'submit', text: 'Start resync' }),
  ]);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const keys = field(form, 'keys')
      .split(/[\n,]/)
      .map((key) => key.trim())
      .filter(Boolean);
    const request = {
      mapping: field(form, 'mapping'),
      mode: field(form, 'mode'),
      dryRun: dryRun.checked,
      requestedBy: 'log-viewer',
      ...(keys.length > 0 ? { erpKeys: keys } : {}),
    };
    api<RunAcceptedView>('/admin/resync', 'POST', request)
      .then((accepted) => (location.hash = `#/runs/${accepted.runId}`))
      .catch((error: unknown) => {
        if (error instanceof ApiError && error.status === 401) {
          session.onError(error);
          return;
        }
        clear(message).append(notice(describeError(error), 'bad'));
      });
  });
  return el('details', { class: 'card' }, [el('summary', { text: 'Start a resync' }), form, message]);
}
