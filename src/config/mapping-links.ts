import type { EntityType } from './mapping.schema.js';

/** What link checks need from a mapping (DESIGN §6b: `{ link: MAPPING, column: C }`). */
export interface LinkedMapping {
  name: string;
  entity: EntityType;
  source: { key: string[] };
  fields: Record<string, { link?: string }>;
}

/** The field a link may fill for each parent entity (`COMPANY_ID` takes a company's ID, never a contact's). */
const LINK_FIELD_ENTITY: Readonly<Record<string, EntityType>> = {
  COMPANY_ID: 'company',
  CONTACT_ID: 'contact',
  LEAD_ID: 'deal',
};

/** Each link names another mapping of the file, whose key is one column and whose entity fits the field. */
export function linkProblems(mappings: readonly LinkedMapping[]): { path: PropertyKey[]; message: string }[] {
  const problems: { path: PropertyKey[]; message: string }[] = [];
  mappings.forEach((mapping, index) => {
    for (const [name, field] of Object.entries(mapping.fields)) {
      if (field.link === undefined) {
        continue;
      }
      const path = ['mappings', index, 'fields', name, 'link'];
      const parent = mappings.find((candidate) => candidate.name === field.link);
      const expected = LINK_FIELD_ENTITY[name];
      if (parent === undefined) {
        const known = mappings.map((candidate) => candidate.name).join(', ');
        problems.push({ path, message: `no mapping is named "${field.link}" (configured: ${known})` });
      } else if (parent.name === mapping.name) {
        problems.push({ path, message: 'a mapping cannot link to itself' });
      } else if (parent.source.key.length !== 1) {
        problems.push({
          path,
          message: `"${parent.name}" has a key of ${parent.source.key.length} columns; a link reads one column`,
        });
      } else if (expected !== undefined && parent.entity !== expected) {
        problems.push({
          path,
          message: `${name} takes a ${expected}'s ID, but "${parent.name}" syncs ${parent.entity}s`,
        });
      }
    }
  });
  return problems;
}

/** Links form a graph of mappings; a cycle would make each mapping wait for the other (DESIGN §6b). */
export function linkCycles(mappings: readonly LinkedMapping[]): { path: PropertyKey[]; message: string }[] {
  const parentsOf = (name: string) =>
    Object.values(mappings.find((mapping) => mapping.name === name)?.fields ?? {})
      .map((field) => field.link)
      .filter((link): link is string => link !== undefined && link !== name);
  const reported = new Set<string>();
  const problems: { path: PropertyKey[]; message: string }[] = [];
  const walk = (name: string, trail: string[]): void => {
    const at = trail.indexOf(name);
    if (at >= 0) {
      const cycle = [...trail.slice(at), name];
      const id = [...cycle.slice(1)].sort().join(',');
      if (!reported.has(id)) {
        reported.add(id);
        const index = mappings.findIndex((mapping) => mapping.name === name);
        problems.push({ path: ['mappings', index], message: `links form a cycle: ${cycle.join(' → ')}` });
      }
      return;
    }
    for (const parent of new Set(parentsOf(name))) {
      walk(parent, [...trail, name]);
    }
  };
  mappings.forEach((mapping) => walk(mapping.name, []));
  return problems;
}
