import type { SearchHitView } from '../../admin.responses.js';
import { api, query } from './api.js';
import { badge, cell, el, notice, tableHead } from './dom.js';
import { plural } from './format.js';
import { recordHref, recordLink, show, type ViewSession } from './page.js';

/** Records by ERP key or Bitrix24 id across the mappings; one hit opens its record directly. */
export async function showSearch(session: ViewSession): Promise<void> {
  const text = session.params.get('q') ?? '';
  const hits = text === '' ? [] : await api<SearchHitView[]>(`/admin/search${query({ q: text })}`);
  if (!session.current) {
    return;
  }
  if (hits.length === 1) {
    location.replace(recordHref(hits[0].mapping, hits[0].erpKey));
    return;
  }
  show([
    el('h2', {}, ['Search: ', el('span', { class: 'mono', text })]),
    hits.length === 0
      ? notice('No record has this ERP key or Bitrix24 ID in any mapping.')
      : el('table', { id: 'search-results' }, [
          tableHead(['Mapping', 'ERP key', 'Deal', 'State']),
          el(
            'tbody',
            {},
            hits.map((hit) =>
              el('tr', {}, [
                cell(hit.mapping),
                cell(recordLink(hit.mapping, hit.erpKey)),
                cell(
                  hit.dealId === null
                    ? '—'
                    : hit.dealUrl === null
                      ? `#${hit.dealId}`
                      : el('a', {
                          href: hit.dealUrl,
                          target: '_blank',
                          rel: 'noopener noreferrer',
                          text: `#${hit.dealId} ↗`,
                        }),
                ),
                cell(badge(hit.state === 'synced' ? 'succeeded' : hit.state.replace(' ', '_'), hit.state)),
              ]),
            ),
          ),
        ]),
    el('p', { class: 'muted', text: plural(hits.length, 'match', 'matches') }),
  ]);
}
