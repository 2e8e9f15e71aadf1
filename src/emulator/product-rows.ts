import type { ProductTotals } from './deal-store.js';
import { isPhpArray, phpEntries, phpFloatval, phpIntval, phpRound, phpStrval } from './php-query.js';
import { RestError } from './rest-error.js';

/**
 * A deal's product rows as `CCrmProductRow::SaveRows` stores them (bitrix24-api.md §5b; server
 * `crm_product_row.php`, `preparePrices`): PRICE is per unit after discount and tax, money rounds to
 * 2 decimals half away from zero (PHP `round`), QUANTITY to 4.
 */
export interface ProductRow {
  ID: number;
  OWNER_ID: number;
  PRODUCT_ID: number;
  PRODUCT_NAME: string;
  PRICE: number;
  PRICE_EXCLUSIVE: number;
  PRICE_NETTO: number;
  PRICE_BRUTTO: number;
  QUANTITY: number;
  DISCOUNT_TYPE_ID: number;
  DISCOUNT_RATE: number;
  DISCOUNT_SUM: number;
  TAX_RATE: number | null;
  TAX_INCLUDED: 'Y' | 'N';
  MEASURE_CODE: number;
  MEASURE_NAME: string;
  SORT: number;
}

const MONETARY = 1;
const PERCENTAGE = 2;

const money = (value: number) => phpRound(value, 2);
/** PHP `isset`: a missing key and `null` are both "not set". */
const isSet = (row: Record<string, unknown>, key: string) => row[key] !== undefined && row[key] !== null;
const numberOf = (row: Record<string, unknown>, key: string) => phpFloatval(row[key]);

/** Validation errors of SaveRows surface as ERROR_CORE with the CAdminException `<br>` (docs example). */
function rowError(message: string): RestError {
  return new RestError('ERROR_CORE', `${message}<br>`);
}

/** One client row → the stored row; throws on the discount combinations the server refuses. */
export function prepareProductRow(input: Record<string, unknown>, id: number, ownerId: number): ProductRow {
  const taxRate = isSet(input, 'TAX_RATE') ? money(numberOf(input, 'TAX_RATE')) : null;
  const price = isSet(input, 'PRICE') ? money(numberOf(input, 'PRICE')) : 0;
  let exclusive = isSet(input, 'PRICE_EXCLUSIVE') ? money(numberOf(input, 'PRICE_EXCLUSIVE')) : 0;
  if (exclusive === 0 && price !== 0) {
    exclusive = money(price / (1 + (taxRate ?? 0) / 100));
  }
  const discount = prepareDiscount(input, exclusive);
  const netto = isSet(input, 'PRICE_NETTO') ? numberOf(input, 'PRICE_NETTO') : exclusive + discount.sum;
  return {
    ID: id,
    OWNER_ID: ownerId,
    PRODUCT_ID: isSet(input, 'PRODUCT_ID') ? phpIntval(input.PRODUCT_ID) : 0,
    PRODUCT_NAME: isSet(input, 'PRODUCT_NAME') ? phpStrval(input.PRODUCT_NAME) : '',
    PRICE: price,
    PRICE_EXCLUSIVE: exclusive,
    PRICE_NETTO: money(netto),
    PRICE_BRUTTO: isSet(input, 'PRICE_BRUTTO')
      ? money(numberOf(input, 'PRICE_BRUTTO'))
      : money(netto * (1 + (taxRate ?? 0) / 100)),
    QUANTITY: isSet(input, 'QUANTITY') ? phpRound(numberOf(input, 'QUANTITY'), 4) : 1,
    DISCOUNT_TYPE_ID: discount.typeId,
    DISCOUNT_RATE: discount.rate,
    DISCOUNT_SUM: discount.sum,
    TAX_RATE: taxRate,
    TAX_INCLUDED: input.TAX_INCLUDED === 'Y' ? 'Y' : 'N',
    MEASURE_CODE: isSet(input, 'MEASURE_CODE') ? phpIntval(input.MEASURE_CODE) : 0,
    MEASURE_NAME: isSet(input, 'MEASURE_NAME') ? phpStrval(input.MEASURE_NAME) : '',
    SORT: isSet(input, 'SORT') ? phpIntval(input.SORT) : 0,
  };
}

/**
 * A missing or unknown DISCOUNT_TYPE_ID means percent **with rate 0**, whatever DISCOUNT_RATE says;
 * percent needs DISCOUNT_RATE (and DISCOUNT_SUM at 100 %), money needs DISCOUNT_SUM.
 */
function prepareDiscount(
  input: Record<string, unknown>,
  exclusive: number,
): { typeId: number; rate: number; sum: number } {
  const given = isSet(input, 'DISCOUNT_TYPE_ID') ? phpIntval(input.DISCOUNT_TYPE_ID) : 0;
  const row = given === MONETARY || given === PERCENTAGE ? input : { ...input, DISCOUNT_RATE: 0 };
  if (given === MONETARY) {
    if (!isSet(row, 'DISCOUNT_SUM')) {
      throw rowError(
        'Discount Sum (DISCOUNT_SUM) is required if Monetary Discount Type (DISCOUNT_TYPE_ID) is defined.',
      );
    }
    const sum = money(numberOf(row, 'DISCOUNT_SUM'));
    const rate = isSet(row, 'DISCOUNT_RATE')
      ? money(numberOf(row, 'DISCOUNT_RATE'))
      : discountRate(exclusive + sum, exclusive);
    return { typeId: MONETARY, rate, sum };
  }
  if (!isSet(row, 'DISCOUNT_RATE')) {
    throw rowError(
      'Discount Rate (DISCOUNT_RATE) is required if Percentage Discount Type (DISCOUNT_TYPE_ID) is defined.',
    );
  }
  const rate = money(numberOf(row, 'DISCOUNT_RATE'));
  if (rate === 100 && numberOf(row, 'DISCOUNT_SUM') === 0) {
    throw rowError(
      'Discount Sum (DISCOUNT_SUM) is required if Percentage Discount Type (DISCOUNT_TYPE_ID) is defined and Discount Rate (DISCOUNT_RATE) is 100%',
    );
  }
  const sum = isSet(row, 'DISCOUNT_SUM')
    ? money(numberOf(row, 'DISCOUNT_SUM'))
    : money((100 * exclusive) / (100 - rate) - exclusive);
  return { typeId: PERCENTAGE, rate, sum };
}

/** `Discount::calculateDiscountRate`. */
function discountRate(originalPrice: number, price: number): number {
  const original = money(originalPrice);
  const final = money(price);
  if (original === 0) {
    return 0;
  }
  if (final === 0) {
    return original > 0 ? 100 : -100;
  }
  return money((100 * (original - final)) / original);
}

/** OPPORTUNITY = Σ PRICE × QUANTITY, TAX_VALUE = Σ (PRICE − PRICE_EXCLUSIVE) × QUANTITY, each rounded once. */
export function productTotals(rows: readonly ProductRow[]): ProductTotals {
  let opportunity = 0;
  let taxValue = 0;
  for (const row of rows) {
    opportunity += row.PRICE * row.QUANTITY;
    taxValue += row.TAX_RATE === null ? 0 : (row.PRICE - row.PRICE_EXCLUSIVE) * row.QUANTITY;
  }
  return { opportunity: money(opportunity), taxValue: money(taxValue) };
}

/** `crm.deal.productrows.get` shape: typed numbers, string ids, owner type 'D' (docs example). */
export function printProductRow(row: ProductRow): Record<string, unknown> {
  return {
    ID: String(row.ID),
    OWNER_ID: String(row.OWNER_ID),
    OWNER_TYPE: 'D',
    PRODUCT_ID: row.PRODUCT_ID,
    PRODUCT_NAME: row.PRODUCT_NAME,
    ORIGINAL_PRODUCT_NAME: null,
    PRODUCT_DESCRIPTION: null,
    PRICE: row.PRICE,
    PRICE_EXCLUSIVE: row.PRICE_EXCLUSIVE,
    PRICE_NETTO: row.PRICE_NETTO,
    PRICE_BRUTTO: row.PRICE_BRUTTO,
    PRICE_ACCOUNT: row.PRICE.toFixed(2),
    QUANTITY: row.QUANTITY,
    DISCOUNT_TYPE_ID: row.DISCOUNT_TYPE_ID,
    DISCOUNT_RATE: row.DISCOUNT_RATE,
    DISCOUNT_SUM: row.DISCOUNT_SUM,
    TAX_RATE: row.TAX_RATE,
    TAX_INCLUDED: row.TAX_INCLUDED,
    CUSTOMIZED: 'Y',
    MEASURE_CODE: row.MEASURE_CODE,
    MEASURE_NAME: row.MEASURE_NAME,
    SORT: row.SORT,
    XML_ID: null,
    TYPE: 1,
  };
}

/** Rows by deal, replaced as one set; row ids are portal-wide and never reused. */
export class ProductRowStore {
  readonly #rows = new Map<number, ProductRow[]>();
  #nextId = 1;

  /** Replaces every row of the deal; answers whether the deal had rows before (for the owner sync). */
  replace(dealId: number, inputs: unknown): { rows: ProductRow[]; hadRows: boolean } {
    const prepared = phpEntries(inputs)
      .map(([, item]) => item)
      .filter(isPhpArray)
      .map((item, index) => prepareProductRow(Object.fromEntries(phpEntries(item)), index, dealId));
    const rows = prepared.map((row) => ({ ...row, ID: this.#nextId++ }));
    const hadRows = (this.#rows.get(dealId)?.length ?? 0) > 0;
    this.#rows.set(dealId, rows);
    return { rows: this.get(dealId), hadRows };
  }

  /** `LoadRows` order: SORT, then ID. */
  get(dealId: number): ProductRow[] {
    return [...(this.#rows.get(dealId) ?? [])]
      .sort((a, b) => a.SORT - b.SORT || a.ID - b.ID)
      .map((row) => ({ ...row }));
  }

  delete(dealId: number): void {
    this.#rows.delete(dealId);
  }

  clear(): void {
    this.#rows.clear();
    this.#nextId = 1;
  }
}
