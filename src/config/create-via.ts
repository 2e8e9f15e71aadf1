/**
 * The methods a deal may be created by (bitrix24-api.md §5.10, §5b). The portal's operating budget is per
 * method, so a mapping that allows several gets several budgets for a first load.
 * - `crm.deal.add`: the classic create; robots, automation rules and business processes run.
 * - `crm.item.add` (entityTypeId 2): the same create through the universal API; robots run too.
 * - `crm.item.batchImport`: up to 20 deals per call; robots and business processes do NOT run.
 */
export const CREATE_METHODS = ['crm.deal.add', 'crm.item.add', 'crm.item.batchImport'] as const;

export type CreateMethod = (typeof CREATE_METHODS)[number];

/** Keeps automation rules: the portal treats the deal as created by hand. */
export const DEFAULT_CREATE_VIA: readonly CreateMethod[] = ['crm.deal.add'];

export function isCreateMethod(name: string): name is CreateMethod {
  return (CREATE_METHODS as readonly string[]).includes(name);
}

/** What is wrong with a `target.createVia` list (empty when nothing). */
export function createViaProblems(names: readonly string[], entity: string): string[] {
  const problems: string[] = [];
  if (entity !== 'deal') {
    problems.push(`applies to deals only, not a ${entity} (it is created by crm.${entity}.add)`);
  }
  if (names.length === 0) {
    problems.push(`names at least one of ${CREATE_METHODS.join(', ')}`);
  }
  const unknown = names.filter((name) => !isCreateMethod(name));
  if (unknown.length > 0) {
    problems.push(
      `unknown method ${unknown.map((name) => `"${name}"`).join(', ')}: use ${CREATE_METHODS.join(', ')}`,
    );
  }
  const duplicates = [...new Set(names.filter((name, index) => names.indexOf(name) !== index))];
  if (duplicates.length > 0) {
    problems.push(`names ${duplicates.join(', ')} more than once`);
  }
  return problems;
}

/** The mapping's create methods in preference order. */
export function createViaOf(target: { readonly createVia?: readonly string[] }): readonly CreateMethod[] {
  return target.createVia?.filter(isCreateMethod) ?? DEFAULT_CREATE_VIA;
}
