import type {
  MappingSummaryView,
  OperationView,
  PageView,
  RunAcceptedView,
  RunDetailView,
} from '../../admin.responses.js';
import { tallyOperations } from '../../../sync/run-tally.js';
import { api, query } from './api.js';
import { badge, cell, clear, el, facts, field, notice, options, tableHead } from './dom.js';
import { describeCursor, duration, hasStatus, plural, when } from './format.js';
import {
  changesList,
  describeError,
  errorText,
  recordLink,
  runLink,
  show,
  type ViewSession,
} from './page.js';

const OPERATION_FILTERS = ['status', 'action', 'key'] as const;

function isActive(run: RunDetailView): boolean {
  return hasStatus(run.status, 'running', 'queued');
}

/** One run: its counters (the same tally as its operations table), why it waits, what became of its failures. */
export async function showRun(session: ViewSession, id: string): Promise<void> {
  const [run, mappings] = await Promise.all([
    api<RunDetailView>(`/admin/runs/${encodeURIComponent(id)}`),
    api<MappingSummaryView[]>('/admin/mappings'),
  ]);
  if (!session.current) {
    return;
  }
  const cursorColumn = mappings.find((mapping) => mapping.name === run.mapping)?.source.cursor ?? null;
  let summary = runSummary(run, cursorColumn);
  const message = el('div');
  const command = (path: 'cancel' | 'retry', label: string) => {
    api<RunAcceptedView>(`/admin/runs/${run.id}/${path}`, 'POST')
      .then((result) => {
        location.hash = `#/runs/${result.runId}`;
        if (result.runId === run.id) {
          window.dispatchEvent(new HashChangeEvent('hashchange'));
        }
      })
      .catch((error: unknown) =>
        clear(message).append(notice(`${label} failed: ${describeError(error)}`, 'bad')),
      );
  };
  const buttons = el('p', { class: 'row' }, [
    el('a', { href: '#/runs', text: '← All runs' }),
    el('button', {
      type: 'button',
      class: 'danger',
      text: 'Cancel run',
      disabled: !isActive(run),
      onclick: () => command('cancel', 'Cancel'),
    }),
    el('button', {
      type: 'button',
      text: 'Retry failed rows',
      disabled: run.operations.failed + run.operations.parked === 0,
      onclick: () => command('retry', 'Retry'),
    }),
  ]);
  const operations = el('div', { id: 'operations' });
  show([
    buttons,
    message,
    summary,
    el('h3', { text: 'Operations' }),
    operationFilter(session, run),
    operations,
  ]);
  await loadOperations(session, run.id, operations);
  if (isActive(run)) {
    session.follow(async () => {
      const fresh = await api<RunDetailView>(`/admin/runs/${run.id}`);
      const replacement = runSummary(fresh, cursorColumn);
      summary.replaceWith(replacement);
      summary = replacement;
      if (!isActive(fresh)) {
        await loadOperations(session, run.id, operations);
      }
      return isActive(fresh);
    });
  }
}

function runSummary(run: RunDetailView, cursorColumn: string | null): HTMLElement {
  const counters = run.counters;
  return el('div', { id: 'run-summary' }, [
    el('div', { class: 'row' }, [
      el('h2', { text: `Run #${run.id} — ${run.mapping}` }),
      badge(run.status),
      run.dryRun ? badge('dry', 'dry run') : null,
      run.cancelRequested && isActive(run) ? el('span', { class: 'muted', text: 'cancel requested' }) : null,
    ]),
    run.error === null ? null : notice(run.error, 'bad'),
    waitingNotice(run),
    finishedLaterNotice(run),
    el('div', { class: 'card' }, [
      facts([
        ['Trigger', run.trigger],
        ['Mode', run.mode + (run.dryRun ? ' (dry run: nothing written to Bitrix24)' : '')],
        ['Requested by', run.requestedBy ?? '—'],
        [
          'Only keys',
          run.erpKeys === null
            ? 'all'
            : `${plural(run.erpKeys.length, 'key')}: ${run.erpKeys.slice(0, 20).join(', ')}${run.erpKeys.length > 20 ? ', …' : ''}`,
        ],
        ['Created', when(run.createdAt)],
        ['Started', when(run.startedAt)],
        ['Finished', when(run.finishedAt)],
        ['Rows read', counters.rowsRead],
        ['Created / updated / deleted', `${counters.created} / ${counters.updated} / ${counters.deleted}`],
        ['Unchanged', counters.unchanged],
        ['Read from', describeCursor(run.cursorFrom, cursorColumn)],
        ['Read up to', run.cursorTo === null ? '—' : describeCursor(run.cursorTo, cursorColumn)],
      ]),
    ]),
    progressBox(run),
  ]);
}

function waitingNotice(run: RunDetailView): HTMLElement | null {
  if (run.waitingFor === null) {
    return null;
  }
  const reason = hasStatus(run.waitingFor.status, 'running')
    ? ' is running and holds the lock of this mapping; this run starts when it ends.'
    : ' was queued before it and runs first (one run per mapping at a time).';
  return el('div', { class: 'notice', id: 'waiting-for' }, [
    'Waiting: run ',
    runLink(run.waitingFor.runId),
    reason,
  ]);
}

function finishedLaterNotice(run: RunDetailView): HTMLElement | null {
  const rows = run.failedRows;
  if (rows === null || rows.finishedLater === 0) {
    return null;
  }
  const all = rows.finishedLater === rows.failed;
  return notice(
    all
      ? `All ${plural(rows.failed, 'failed row')} of this run were finished by later runs.`
      : `${rows.finishedLater} of ${plural(rows.failed, 'failed row')} of this run were finished by later runs.`,
    all ? 'good' : 'info',
  );
}

/** Counted from the operations table with the shared tally; from the run's counters once retention pruned them. */
function progressBox(run: RunDetailView): HTMLElement {
  const progress = run.progress;
  const logged = tallyOperations(run.operations);
  const tally =
    logged.total > 0
      ? logged
      : { ...progress, total: progress.planned, fraction: (progress.percent ?? 0) / 100 };
  const stats: Array<[string, string | number]> = [
    ['Planned', tally.total],
    ['Applied', tally.applied],
    ['Failed', tally.failed],
    ['Remaining', tally.remaining],
    ['Rate', progress.ratePerSecond === null ? '—' : `${progress.ratePerSecond}/s`],
    ['ETA', hasStatus(run.status, 'running') ? duration(progress.etaSeconds) : '—'],
    ['Elapsed', duration(progress.elapsedSeconds)],
  ];
  const percent = Math.round(tally.fraction * 1000) / 10;
  return el('div', { class: 'card', id: 'progress' }, [
    el(
      'div',
      { class: 'stats' },
      stats.map(([label, figure]) =>
        el('div', { class: 'stat', 'data-stat': label.toLowerCase() }, [
          el('b', { text: figure }),
          el('span', { text: label }),
        ]),
      ),
    ),
    tally.total === 0 ? null : el('p', {}, [el('progress', { max: 100, value: percent }), ` ${percent}%`]),
  ]);
}

function operationFilter(session: ViewSession, run: RunDetailView): HTMLFormElement {
  const params = session.params;
  const form = el('form', { class: 'inline card', id: 'operation-filter' }, [
    el('label', {}, [
      'Status',
      el('select', { name: 'status' }, options(session.meta.operationStatuses, params.get('status'), 'all')),
    ]),
    el('label', {}, [
      'Action',
      el('select', { name: 'action' }, options(session.meta.operationActions, params.get('action'), 'all')),
    ]),
    el('label', {}, ['ERP key', el('input', { name: 'key', value: params.get('key') ?? '' })]),
    el('button', { type: 'submit', text: 'Filter' }),
  ]);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    location.hash = `#/runs/${run.id}${query(Object.fromEntries(OPERATION_FILTERS.map((name) => [name, field(form, name)])))}`;
  });
  return form;
}

async function loadOperations(session: ViewSession, runId: number, container: HTMLElement): Promise<void> {
  const filters = Object.fromEntries(OPERATION_FILTERS.map((name) => [name, session.params.get(name)]));
  const body = el('tbody');
  const more = el('button', { type: 'button', text: 'Load more', hidden: true });
  const load = async (cursor: string | null) => {
    const page = await api<PageView<OperationView>>(
      `/admin/runs/${runId}/operations${query({ ...filters, cursor })}`,
    );
    body.append(...page.items.map(operationRow));
    if (page.items.length === 0 && cursor === null) {
      body.append(el('tr', {}, [el('td', { colspan: 8, class: 'muted', text: 'No operations match.' })]));
    }
    more.hidden = page.nextCursor === null;
    more.onclick = () => page.nextCursor !== null && void load(page.nextCursor).catch(session.onError);
  };
  clear(container).append(
    el('table', {}, [
      tableHead(['Op', 'ERP key', 'Action', 'Status', 'Deal', 'Sent', 'Changes', 'Error']),
      body,
    ]),
    el('p', {}, [more]),
  );
  await load(null);
}

function operationRow(operation: OperationView): HTMLTableRowElement {
  return el('tr', { class: `operation ${operation.status}` }, [
    cell(operation.id),
    cell(recordLink(operation.mapping, operation.erpKey)),
    cell(operation.action),
    cell(badge(operation.status)),
    cell(operation.dealId === null ? '—' : `#${operation.dealId}`),
    cell(operation.attempt),
    cell(changesList(operation.changes)),
    cell(errorText(operation.error)),
  ]);
}
