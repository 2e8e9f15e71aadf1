import type { CreateMethod } from '../config/create-via.js';
import type { Bitrix24Error } from './bitrix24.error.js';
import type { QueryObject } from './batch-command.js';
import type { MultiFieldTypes } from './multi-field-items.js';

/** The CRM entities the sync writes; each has the methods `crm.{entity}.add/update/get/list/delete/fields`. */
export type CrmEntityType = 'deal' | 'company' | 'contact';

/**
 * A deal, company or contact as `crm.{entity}.get` / `.list` return it: values are strings or null, UF fields
 * included; multi-fields (companies, contacts) as lists of `{ID, VALUE, VALUE_TYPE, TYPE_ID}`.
 */
export type CrmRecord = Readonly<Record<string, unknown>> & { readonly ID: string };

/** Fields to write, exact upper-case names (`TITLE`, `UF_CRM_…`); unknown names are dropped by the portal. */
export type CrmFields = QueryObject;

export interface DealUpdate {
  readonly dealId: number;
  readonly fields: CrmFields;
}

/**
 * One deal write. `failed`: the portal refused it (nothing changed). `unknown`: it may have been
 * applied (lost answer, 5xx): resolve a create with `findByOrigin` before creating again.
 */
export type DealWriteOutcome =
  | {
      readonly status: 'ok';
      readonly dealId: number;
      /** The deal was created, but its product rows (sent with it) were refused or got no answer. */
      readonly rowsRefused?: Bitrix24Error;
    }
  | { readonly status: 'failed'; readonly error: Bitrix24Error }
  | { readonly status: 'unknown'; readonly error: Bitrix24Error };

export interface DealWriteOptions {
  /**
   * Multi-fields the write sets (companies, contacts), each with the value type it owns: their plain values
   * in `fields` are sent as items, an update changing the record's existing value in place.
   */
  readonly multiFields?: MultiFieldTypes;
  /**
   * A deal's product rows, per draft or update (same index), replaced as one set with
   * `crm.deal.productrows.set`; undefined leaves the deal's rows alone.
   */
  readonly productRows?: ReadonlyArray<readonly CrmFields[] | undefined>;
  /** Runs as each batch leaves (after its rate-limit wait); throwing stops the writes without sending. */
  readonly beforeSend?: () => void;
  /**
   * Deal create methods in preference order (`target.createVia`), spread over their operating budgets.
   * @default ['crm.deal.add']; companies and contacts always use `crm.{entity}.add`
   */
  readonly createVia?: readonly CreateMethod[];
  /** `params.REGISTER_SONET_EVENT`: post to the activity stream. @default the portal's default (Y) */
  readonly registerSonetEvent?: boolean;
}

export interface DealFieldInfo {
  readonly type: string;
  readonly isRequired: boolean;
  readonly isReadOnly: boolean;
  readonly isImmutable: boolean;
  readonly isMultiple: boolean;
  readonly title?: string;
  readonly statusType?: string;
  readonly items?: ReadonlyArray<{ readonly ID: string; readonly VALUE: string }>;
  readonly [key: string]: unknown;
}

export type StageSemantics = 'process' | 'success' | 'failure';

export interface DealStage {
  /** `NEW`, or `C1:NEW` outside the general funnel. */
  readonly statusId: string;
  readonly name: string;
  readonly sort: number;
  readonly semantics: StageSemantics;
}

export interface PortalCurrency {
  readonly code: string;
  readonly base: boolean;
}
