/** Reference data of the emulated portal: funnels and their stages, currencies, deal types, sources, users. */
export enum StageSemantic {
  Process = 'P',
  Success = 'S',
  Failure = 'F',
}

export interface DealStage {
  statusId: string;
  name: string;
  sort: number;
  semantic: StageSemantic;
  color: string;
}

export interface DealCategory {
  id: number;
  name: string;
  sort: number;
}

export interface PortalUser {
  id: number;
  login: string;
  name: string;
  lastName: string;
  admin: boolean;
  active: boolean;
}

const BASE_STAGES: ReadonlyArray<Omit<DealStage, 'statusId'> & { code: string }> = [
  { code: 'NEW', name: 'New', sort: 10, semantic: StageSemantic.Process, color: '#39A8EF' },
  {
    code: 'PREPARATION',
    name: 'Preparing documents',
    sort: 20,
    semantic: StageSemantic.Process,
    color: '#2FC6F6',
  },
  {
    code: 'PREPAYMENT_INVOICE',
    name: 'Invoice',
    sort: 30,
    semantic: StageSemantic.Process,
    color: '#55D0E0',
  },
  { code: 'EXECUTING', name: 'In progress', sort: 40, semantic: StageSemantic.Process, color: '#47E4C2' },
  {
    code: 'FINAL_INVOICE',
    name: 'Final invoice',
    sort: 50,
    semantic: StageSemantic.Process,
    color: '#FFA900',
  },
  { code: 'WON', name: 'Deal won', sort: 60, semantic: StageSemantic.Success, color: '#7BD500' },
  { code: 'LOSE', name: 'Deal lost', sort: 70, semantic: StageSemantic.Failure, color: '#FF5752' },
  { code: 'APOLOGY', name: 'Analyze failure', sort: 80, semantic: StageSemantic.Failure, color: '#FF5752' },
];

export const DEAL_TYPES: ReadonlyArray<{ statusId: string; name: string }> = [
  { statusId: 'SALE', name: 'Sales' },
  { statusId: 'COMPLEX', name: 'Integrated sale' },
  { statusId: 'GOODS', name: 'Merchandise sale' },
  { statusId: 'SERVICES', name: 'Service sale' },
  { statusId: 'SERVICE', name: 'After-sales service' },
];

export const SOURCES: ReadonlyArray<{ statusId: string; name: string }> = [
  { statusId: 'CALL', name: 'Call' },
  { statusId: 'EMAIL', name: 'E-Mail' },
  { statusId: 'WEB', name: 'Website' },
  { statusId: 'ADVERTISING', name: 'Advertising' },
  { statusId: 'PARTNER', name: 'Existing client' },
  { statusId: 'RECOMMENDATION', name: 'By recommendation' },
  { statusId: 'TRADE_SHOW', name: 'Show/Exhibition' },
  { statusId: 'WEBFORM', name: 'CRM form' },
  { statusId: 'CALLBACK', name: 'Callback' },
  { statusId: 'OTHER', name: 'Other' },
];

const CURRENCY_NAMES: Record<string, string> = {
  RUB: 'Russian Ruble',
  USD: 'US Dollar',
  EUR: 'Euro',
  UAH: 'Ukrainian Hryvnia',
  BYN: 'Belarusian Ruble',
  KZT: 'Tenge',
};

export class PortalCatalog {
  readonly categories: readonly DealCategory[];
  readonly currencies: readonly string[];
  readonly users: readonly PortalUser[];

  constructor(extraCategories: ReadonlyArray<{ id: number; name: string }>, currencies: readonly string[]) {
    const extra = extraCategories.filter((category) => category.id > 0);
    this.categories = [
      { id: 0, name: 'General', sort: 0 },
      ...extra.map((category, index) => ({ id: category.id, name: category.name, sort: (index + 1) * 100 })),
    ];
    if (currencies.length === 0) {
      throw new RangeError('currencies must list at least one currency (the first one is the base currency)');
    }
    this.currencies = [...currencies];
    this.users = [
      { id: 1, login: 'admin', name: 'Portal', lastName: 'Administrator', admin: true, active: true },
      { id: 2, login: 'manager', name: 'Sales', lastName: 'Manager', admin: false, active: true },
    ];
  }

  category(id: number): DealCategory | undefined {
    return this.categories.find((category) => category.id === id);
  }

  stages(categoryId: number): DealStage[] {
    const prefix = categoryId === 0 ? '' : `C${categoryId}:`;
    return BASE_STAGES.map(({ code, ...stage }) => ({ ...stage, statusId: `${prefix}${code}` }));
  }

  stage(categoryId: number, statusId: string): DealStage | undefined {
    return this.stages(categoryId).find((stage) => stage.statusId === statusId);
  }

  /** Funnel a stage id belongs to ('C3:NEW' → 3, 'NEW' → 0); undefined for unknown prefixes. */
  categoryOfStage(statusId: string): number | undefined {
    const match = /^C(\d+):/.exec(statusId);
    const id = match ? Number(match[1]) : 0;
    return this.category(id) && this.stage(id, statusId) ? id : undefined;
  }

  stageSort(statusId: string): number {
    const categoryId = this.categoryOfStage(statusId);
    return categoryId === undefined ? Number.MAX_SAFE_INTEGER : (this.stage(categoryId, statusId)?.sort ?? 0);
  }

  get baseCurrency(): string {
    return this.currencies[0] ?? 'RUB';
  }

  currencyName(code: string): string {
    return CURRENCY_NAMES[code] ?? code;
  }

  user(id: number): PortalUser | undefined {
    return this.users.find((user) => user.id === id);
  }
}
