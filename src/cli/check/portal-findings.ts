import type { DealFieldInfo, DealStage, PortalCurrency } from '../../bitrix24/crm-entity.types.js';
import type { FieldConfig, MappingConfig } from '../../config/config.types.js';

export type FindingLevel = 'ok' | 'warn' | 'error';

export interface Finding {
  readonly level: FindingLevel;
  readonly subject: string;
  readonly detail: string;
}

export interface PortalFacts {
  readonly fields: Readonly<Record<string, DealFieldInfo>>;
  readonly stages: readonly DealStage[];
  readonly currencies: readonly PortalCurrency[];
}

/** The constant values a field can write: `value`, every `map` value and the `default`. */
function constantsOf(field: FieldConfig | undefined): string[] {
  if (!field) {
    return [];
  }
  const values = [field.value, ...Object.values(field.map ?? {}), field.default];
  return values.filter((value) => value !== undefined).map(String);
}

/**
 * After `crm.deal.productrows.set` the portal recomputes OPPORTUNITY from the rows unless IS_MANUAL_OPPORTUNITY
 * is Y (bitrix24-api.md §5b): a mapped OPPORTUNITY would be overwritten, then re-pushed as drift.
 */
function opportunityFindings(mapping: MappingConfig, subject: string): Finding[] {
  const manual = mapping.fields.IS_MANUAL_OPPORTUNITY;
  if (mapping.productRows === undefined || mapping.fields.OPPORTUNITY === undefined) {
    return [];
  }
  if (manual?.value === 'Y' || manual?.value === true) {
    return [];
  }
  return [
    {
      level: 'warn',
      subject,
      detail:
        'OPPORTUNITY and productRows are both mapped: Bitrix24 recomputes OPPORTUNITY from the rows unless ' +
        'IS_MANUAL_OPPORTUNITY is Y (add IS_MANUAL_OPPORTUNITY: { value: "Y" }, or drop OPPORTUNITY)',
    },
  ];
}

/** Pure: what the mapping needs from the portal, compared with what `crm.deal.fields`, stages and currencies say. */
export function checkMappingAgainstPortal(mapping: MappingConfig, portal: PortalFacts): Finding[] {
  const subject = `mapping ${mapping.name}`;
  const findings: Finding[] = [];
  for (const name of Object.keys(mapping.fields)) {
    const info = portal.fields[name];
    if (!info) {
      findings.push({
        level: 'error',
        subject,
        detail: `field ${name} does not exist in crm.${mapping.entity}.fields (Bitrix24 would drop it silently)`,
      });
    } else if (info.isReadOnly) {
      findings.push({ level: 'error', subject, detail: `field ${name} is read-only in Bitrix24` });
    }
  }
  const stageIds = new Set(portal.stages.map((stage) => stage.statusId));
  const stages = [
    ...constantsOf(mapping.fields.STAGE_ID),
    ...(mapping.delete.stage ? [mapping.delete.stage] : []),
  ];
  for (const stage of new Set(stages)) {
    if (!stageIds.has(stage)) {
      findings.push({
        level: 'error',
        subject,
        detail: `stage ${stage} is not a stage of deal category ${mapping.target.categoryId} (known: ${[...stageIds].join(', ')})`,
      });
    }
  }
  const currencyCodes = new Set(portal.currencies.map((currency) => currency.code));
  for (const currency of new Set(constantsOf(mapping.fields.CURRENCY_ID))) {
    if (!currencyCodes.has(currency)) {
      findings.push({
        level: 'error',
        subject,
        detail: `currency ${currency} is not set up in the portal (known: ${[...currencyCodes].join(', ')})`,
      });
    }
  }
  if (mapping.fields.CURRENCY_ID?.column) {
    findings.push({
      level: 'warn',
      subject,
      detail: `CURRENCY_ID comes from column ${mapping.fields.CURRENCY_ID.column}: rows with a currency the portal lacks (known: ${[...currencyCodes].join(', ')}) will fail`,
    });
  }
  findings.push(...opportunityFindings(mapping, subject));
  if (findings.every((finding) => finding.level !== 'error')) {
    findings.unshift({
      level: 'ok',
      subject,
      detail: `${Object.keys(mapping.fields).length} fields, stages and currencies match the portal`,
    });
  }
  return findings;
}

export function formatFindings(findings: readonly Finding[]): string {
  const mark = { ok: 'OK   ', warn: 'WARN ', error: 'ERROR' } as const;
  const width = Math.max(...findings.map((finding) => finding.subject.length));
  return findings
    .map((finding) => `${mark[finding.level]}  ${finding.subject.padEnd(width)}  ${finding.detail}`)
    .join('\n');
}
