/**
 * Building the page from data without ever parsing it as markup: text goes through `textContent`, links only
 * to this page's routes or to http(s) addresses, so ERP values and portal messages cannot inject anything.
 */
export type Child = Node | string | number | null | undefined | false;
export type AttrValue = string | number | boolean | null | undefined;

export interface Attrs {
  readonly [name: string]: AttrValue | ((event: Event) => void);
}

/** Longer values are cut for display (a 1 MB ERP string must not freeze or stretch the page). */
const DISPLAY_LIMIT = 2000;

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  children: readonly Child[] = [],
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (typeof value === 'function') {
      node.addEventListener(name.replace(/^on/, ''), value);
    } else if (value === null || value === undefined || value === false) {
      continue;
    } else if (name === 'text') {
      node.textContent = clip(String(value));
    } else if (name === 'href') {
      if (isSafeHref(String(value))) {
        node.setAttribute('href', String(value));
      }
    } else {
      node.setAttribute(name, value === true ? '' : String(value));
    }
  }
  node.append(
    ...children.filter(isPresent).map((child) => (child instanceof Node ? child : clip(String(child)))),
  );
  return node;
}

function isPresent(child: Child): child is Node | string | number {
  return child !== null && child !== undefined && child !== false;
}

export function clip(text: string): string {
  return text.length <= DISPLAY_LIMIT
    ? text
    : `${text.slice(0, DISPLAY_LIMIT)}… (${text.length - DISPLAY_LIMIT} more characters)`;
}

/** This page's own routes, or an absolute http(s) URL (never `javascript:` or `data:`). */
export function isSafeHref(href: string): boolean {
  if (href.startsWith('#/')) {
    return true;
  }
  try {
    const url = new URL(href);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

export function clear<T extends Element>(node: T): T {
  node.replaceChildren();
  return node;
}

export function badge(status: string, label: string = status.replace('_', ' ')): HTMLSpanElement {
  return el('span', { class: `badge ${status.replace(/[^a-z_]/g, '')}`, text: label });
}

export function notice(text: string, kind: 'info' | 'bad' | 'good' = 'info'): HTMLDivElement {
  return el('div', { class: kind === 'info' ? 'notice' : `notice ${kind}`, role: 'status', text });
}

export function facts(pairs: ReadonlyArray<readonly [string, Child]>): HTMLDListElement {
  return el(
    'dl',
    { class: 'facts' },
    pairs.flatMap(([term, detail]) => [el('dt', { text: term }), el('dd', {}, [detail])]),
  );
}

export interface Column {
  readonly label: string;
  readonly num?: boolean;
}

export function tableHead(columns: readonly (string | Column)[]): HTMLTableSectionElement {
  return el('thead', {}, [
    el(
      'tr',
      {},
      columns.map((column) =>
        typeof column === 'string'
          ? el('th', { text: column })
          : el('th', { class: column.num ? 'num' : null, text: column.label }),
      ),
    ),
  ]);
}

export function cell(content: Child, num = false): HTMLTableCellElement {
  return el('td', { class: num ? 'num' : null }, [content]);
}

export function options(
  values: readonly string[],
  selected: string | null,
  blank?: string,
): HTMLOptionElement[] {
  const list = values.map((value) => el('option', { value, text: value, selected: value === selected }));
  return blank === undefined ? list : [el('option', { value: '', text: blank }), ...list];
}

/** A form control's current value by name (inputs, selects and textareas). */
export function field(form: HTMLFormElement, name: string): string {
  const control = form.elements.namedItem(name);
  return control instanceof HTMLInputElement ||
    control instanceof HTMLSelectElement ||
    control instanceof HTMLTextAreaElement
    ? control.value.trim()
    : '';
}
