import { findTemplateProblem, TEMPLATE_PLACEHOLDER } from '../../config/mapping.schema.js';
import type { ErpValue } from '../../erp/erp-row.js';

/** A template split into literal text and column placeholders: `"{{name}} {{partner_name}}"`. */
export interface ParsedTemplate {
  /** `literals.length === columns.length + 1`; the text is literals[0] + value(columns[0]) + literals[1] … */
  readonly literals: readonly string[];
  readonly columns: readonly string[];
}

/** Parses `{{column}}` placeholders; a malformed template yields the problem as text. */
export function parseTemplate(template: string): ParsedTemplate | string {
  const problem = findTemplateProblem(template);
  if (problem !== undefined) {
    return problem;
  }
  const literals: string[] = [];
  const columns: string[] = [];
  let last = 0;
  for (const match of template.matchAll(TEMPLATE_PLACEHOLDER)) {
    literals.push(template.slice(last, match.index));
    columns.push(match[1]);
    last = match.index + match[0].length;
  }
  literals.push(template.slice(last));
  return { literals, columns };
}

/** Renders a parsed template; NULL renders as empty text and the result is trimmed. */
export function renderTemplate(template: ParsedTemplate, values: readonly ErpValue[]): string {
  let text = template.literals[0];
  for (let index = 0; index < values.length; index++) {
    const value = values[index];
    text += (value === null ? '' : String(value)) + template.literals[index + 1];
  }
  return text.trim();
}
