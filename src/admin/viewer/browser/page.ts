import type { ConsoleMetaView, FieldChangeView, MappingSummaryView } from '../../admin.responses.js';
import { ApiError } from './api.js';
import { clear, el, notice, options, type Child } from './dom.js';
import { errorLine, value } from './format.js';
import { Live, type LiveOptions } from './live.js';

/** One view on screen: it owns the polling it started, and knows when the operator has moved on. */
export class ViewSession {
  private readonly lives: Live[] = [];
  private ended = false;

  constructor(
    readonly meta: ConsoleMetaView,
    readonly params: URLSearchParams,
    readonly onError: (error: unknown) => void,
  ) {}

  get current(): boolean {
    return !this.ended;
  }

  /** Keeps the view up to date; a failed refresh leaves the view as it was and says so until one succeeds. */
  follow(refresh: () => Promise<boolean>, options?: LiveOptions): void {
    const tick = async () => {
      if (this.ended) {
        return false;
      }
      const more = await refresh();
      showLiveStatus(null);
      return more;
    };
    const failed = (error: unknown) => {
      if (error instanceof ApiError && error.status === 401) {
        this.onError(error);
      } else if (!this.ended) {
        showLiveStatus(`Live updates paused (${describeError(error)}); retrying.`);
      }
    };
    this.lives.push(new Live(tick, failed, options).start());
  }

  end(): void {
    this.ended = true;
    this.lives.forEach((live) => live.stop());
  }
}

export function main(): HTMLElement {
  const node = document.getElementById('main');
  if (node === null) {
    throw new Error('The console page has no <main id="main">');
  }
  return node;
}

export function show(nodes: readonly Child[]): void {
  clear(main()).append(...nodes.filter((node): node is Node => node instanceof Node));
}

function showLiveStatus(text: string | null): void {
  const current = document.getElementById('live-status');
  if (text === null) {
    current?.remove();
  } else if (current === null) {
    main().prepend(el('div', { class: 'notice', id: 'live-status', role: 'status', text }));
  } else {
    current.textContent = text;
  }
}

export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    return `${error.message} (HTTP ${error.status})`;
  }
  return error instanceof Error ? error.message : String(error);
}

export function failedView(error: unknown): void {
  show([notice(describeError(error), 'bad'), el('p', {}, [el('a', { href: '#/', text: 'Back to health' })])]);
}

export function runLink(id: number): HTMLAnchorElement {
  return el('a', { href: `#/runs/${id}`, text: `#${id}` });
}

export function recordHref(mapping: string, key: string): string {
  return `#/records/${encodeURIComponent(mapping)}/${encodeURIComponent(key)}`;
}

export function recordLink(mapping: string, key: string): HTMLAnchorElement {
  return el('a', { href: recordHref(mapping, key), class: 'key', text: key });
}

export function changesList(changes: readonly FieldChangeView[]): HTMLElement {
  if (changes.length === 0) {
    return el('span', { class: 'muted', text: 'no field changes' });
  }
  return el(
    'ul',
    { class: 'changes' },
    changes.map((change) =>
      el('li', {}, [
        el('span', { class: 'field', text: change.field }),
        ' ',
        el('span', { class: 'old', text: value(change.old) }),
        el('span', { class: 'arrow', text: '→' }),
        el('span', { class: 'new', text: value(change.new) }),
      ]),
    ),
  );
}

export function errorText(error: { code: string | null; message: string | null } | null): HTMLElement | null {
  return error === null ? null : el('div', { class: 'error', text: errorLine(error.code, error.message) });
}

/** The "Mapping" filter of a form: every configured mapping, or all. */
export function mappingFilter(
  mappings: readonly MappingSummaryView[],
  selected: string | null,
): HTMLLabelElement {
  return el('label', {}, [
    'Mapping',
    el(
      'select',
      { name: 'mapping' },
      options(
        mappings.map((mapping) => mapping.name),
        selected,
        'all',
      ),
    ),
  ]);
}
