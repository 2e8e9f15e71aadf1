import type {
  AttentionRetryView,
  LinkView,
  RecordTimelineView,
  RelatedChildrenView,
  RelatedRecordView,
  TimelineEntryView,
} from '../../admin.responses.js';
import { api } from './api.js';
import { badge, cell, clear, el, facts, notice, tableHead } from './dom.js';
import { value, when } from './format.js';
import {
  changesList,
  describeError,
  errorText,
  recordLink,
  runLink,
  show,
  type ViewSession,
} from './page.js';

/** One ERP row: its key, its deal in the portal, its state now, and every operation that touched it. */
export async function showRecord(session: ViewSession, mapping: string, key: string): Promise<void> {
  const record = await api<RecordTimelineView>(
    `/admin/records/${encodeURIComponent(mapping)}/${encodeURIComponent(key)}`,
  );
  if (!session.current) {
    return;
  }
  const link = record.link;
  show([
    el('p', {}, [el('a', { href: '#/', text: '← Health' })]),
    el('div', { class: 'record-head' }, [
      el('span', { class: 'muted', text: `ERP key in ${mapping} (${record.entity})` }),
      el('h2', { class: 'record-key', id: 'record-key', text: key }),
      el('div', { class: 'row' }, [stateBadge(link), dealLink(record), retryButton(record)]),
    ]),
    link === null
      ? notice('No link yet: this row has never been confirmed in Bitrix24.')
      : linkCard(link, record.maxAttempts),
    relations(record),
    el('h3', { text: 'Timeline (newest first)' }),
    record.operations.length === 0
      ? notice('No operations in the sync log (retention may have pruned them).')
      : el(
          'div',
          { class: 'timeline', id: 'timeline' },
          record.operations.map((entry) => timelineEntry(entry, record.maxAttempts)),
        ),
    record.truncated ? notice('Older operations are not shown.') : null,
  ]);
}

function stateBadge(link: LinkView | null): HTMLElement {
  if (link === null) {
    return badge('pending', 'not linked');
  }
  if (link.parked) {
    return badge('parked', 'parked — needs an operator');
  }
  if (link.failedAttempts > 0) {
    return badge('failed', 'failed — retried automatically');
  }
  return link.removed ? badge('cancelled', 'removed in Bitrix24') : badge('succeeded', 'in sync');
}

function dealLink(record: RecordTimelineView): HTMLElement | null {
  const dealId = record.link?.dealId ?? null;
  if (dealId === null) {
    return null;
  }
  const name = `${capitalised(record.entity)} #${dealId}`;
  return record.dealUrl === null
    ? el('span', { text: name })
    : el('a', {
        href: record.dealUrl,
        id: 'deal-link',
        target: '_blank',
        rel: 'noopener noreferrer',
        text: `${name} in Bitrix24 ↗`,
      });
}

/** The records this one points at (a deal's company) and the ones pointing at it (a company's deals). */
function relations(record: RecordTimelineView): HTMLElement | null {
  if (record.parents.length === 0 && record.children.length === 0) {
    return null;
  }
  return el('div', { class: 'card', id: 'relations' }, [
    facts([
      ...record.parents.map((parent): [string, HTMLElement] => [parent.field, relatedRecord(parent)]),
      ...record.children.map((children): [string, HTMLElement] => [
        `${capitalised(children.entity)}s of ${children.mapping}`,
        relatedChildren(children),
      ]),
    ]),
  ]);
}

function relatedRecord(related: RelatedRecordView): HTMLElement {
  if (related.crmId === null) {
    return el('span', { class: 'muted', text: 'none' });
  }
  const card =
    related.url === null
      ? null
      : el('a', { href: related.url, target: '_blank', rel: 'noopener noreferrer', text: '↗' });
  const own =
    related.erpKey === null
      ? el('span', { text: `${related.entity} #${related.crmId} (not linked by ${related.mapping})` })
      : recordLink(related.mapping, related.erpKey);
  return el('span', { class: 'row related' }, [
    own,
    el('span', { class: 'muted', text: `${related.entity} #${related.crmId}` }),
    card,
  ]);
}

function relatedChildren(children: RelatedChildrenView): HTMLElement {
  const more = children.total - children.records.length;
  return el('span', { class: 'row related' }, [
    el('b', { text: String(children.total) }),
    ...children.records.map((child) => recordLink(child.mapping, child.erpKey ?? '')),
    more > 0 ? el('span', { class: 'muted', text: `and ${more} more` }) : null,
  ]);
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function retryButton(record: RecordTimelineView): HTMLElement | null {
  if (record.link === null || record.link.failedAttempts === 0) {
    return null;
  }
  const message = el('span', { class: 'retry-message' });
  const button = el('button', {
    type: 'button',
    class: 'primary',
    text: record.link.parked ? 'Retry now' : 'Retry now (skip the wait)',
  });
  button.addEventListener('click', () => {
    button.disabled = true;
    api<AttentionRetryView>(
      `/admin/records/${encodeURIComponent(record.mapping)}/${encodeURIComponent(record.erpKey)}/retry`,
      'POST',
    )
      .then((accepted) => clear(message).append('Run ', runLink(accepted.runId), ' queued.'))
      .catch((error: unknown) => {
        button.disabled = false;
        clear(message).append(el('span', { class: 'error', text: describeError(error) }));
      });
  });
  return el('span', { class: 'row' }, [button, message]);
}

function linkCard(link: LinkView, maxAttempts: number | null): HTMLElement {
  const attempts =
    maxAttempts === null
      ? String(link.failedAttempts)
      : `${link.failedAttempts} of ${maxAttempts} (parked at ${maxAttempts})`;
  return el('div', { class: 'card' }, [
    facts([
      ['Last synced', when(link.syncedAt)],
      ['Failed attempts', attempts],
      ['Next retry', link.parked ? 'none until an operator retries' : when(link.retryAt)],
      ['Last error', link.lastError === null ? '—' : el('span', { class: 'error', text: link.lastError })],
    ]),
    link.payload === null
      ? null
      : el('details', {}, [
          el('summary', { text: 'Last pushed fields' }),
          el('table', {}, [
            tableHead(['Field', 'Value']),
            el(
              'tbody',
              {},
              Object.entries(link.payload).map(([name, item]) =>
                el('tr', {}, [cell(el('span', { class: 'field', text: name })), cell(value(item))]),
              ),
            ),
          ]),
        ]),
  ]);
}

function timelineEntry(entry: TimelineEntryView, maxAttempts: number | null): HTMLElement {
  const attempt =
    entry.failureNumber === null
      ? null
      : el('span', {
          class: 'attempt',
          text: `attempt ${entry.failureNumber}${maxAttempts === null ? '' : ` of ${maxAttempts}`}`,
        });
  return el('div', { class: `card ${entry.status}${entry.dryRun ? ' dry' : ''}` }, [
    el('div', { class: 'row' }, [
      el('b', { text: when(entry.createdAt) }),
      badge(entry.status),
      entry.dryRun ? badge('dry', 'dry run — not sent') : null,
      el('span', { text: `${entry.action} in run` }),
      runLink(entry.runId),
      entry.dealId === null ? null : el('span', { class: 'muted', text: `deal #${entry.dealId}` }),
      attempt,
    ]),
    changesList(entry.changes),
    errorText(entry.error),
  ]);
}
