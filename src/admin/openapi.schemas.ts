import { ApiProperty } from '@nestjs/swagger';
import { ENTITY_TYPES } from '../config/mapping.schema.js';
import { OperationAction, OperationStatus } from '../persistence/entities/sync-operation.entity.js';
import { RunMode, RunStatus, RunTrigger } from '../persistence/entities/sync-run.entity.js';
import type {
  RelatedChildrenView,
  RelatedRecordView,
  AttentionGroupView,
  AttentionRetryView,
  AttentionView,
  CancelAcceptedView,
  ConsoleMetaView,
  FieldChangeView,
  HealthOverviewView,
  LinkView,
  MappingHealthView,
  MappingSummaryView,
  OperationView,
  RecentRunView,
  RecordTimelineView,
  RunAcceptedView,
  RunCountersView,
  RunDetailView,
  RunProgressView,
  RunView,
  SearchHitView,
  TimelineEntryView,
} from './admin.responses.js';

/**
 * OpenAPI response schemas of the admin routes. Each class implements the view it documents, so the
 * compiler keeps the two in step; they are never instantiated.
 */

const nullableString = { type: String, nullable: true } as const;
const nullableInt = { type: Number, nullable: true } as const;
const isoTime = { type: String, format: 'date-time' } as const;
const nullableIsoTime = { ...isoTime, nullable: true } as const;

class CursorPositionSchema {
  @ApiProperty(nullableString) readonly value!: string | null;
  @ApiProperty({ type: [String] }) readonly key!: string[];
}

class ErrorSchema {
  @ApiProperty(nullableString) readonly code!: string | null;
  @ApiProperty(nullableString) readonly message!: string | null;
}

export class RunCountersSchema implements RunCountersView {
  @ApiProperty() readonly rowsRead!: number;
  @ApiProperty() readonly planned!: number;
  @ApiProperty() readonly applied!: number;
  @ApiProperty() readonly created!: number;
  @ApiProperty() readonly updated!: number;
  @ApiProperty() readonly deleted!: number;
  @ApiProperty() readonly unchanged!: number;
  @ApiProperty() readonly failed!: number;
}

export class RunSchema implements RunView {
  @ApiProperty() readonly id!: number;
  @ApiProperty() readonly mapping!: string;
  @ApiProperty({ enum: RunTrigger }) readonly trigger!: RunTrigger;
  @ApiProperty({ enum: RunMode }) readonly mode!: RunMode;
  @ApiProperty({ enum: RunStatus }) readonly status!: RunStatus;
  @ApiProperty() readonly dryRun!: boolean;
  @ApiProperty(nullableString) readonly requestedBy!: string | null;
  @ApiProperty({ type: [String], nullable: true }) readonly erpKeys!: string[] | null;
  @ApiProperty() readonly cancelRequested!: boolean;
  @ApiProperty(isoTime) readonly createdAt!: string;
  @ApiProperty(nullableIsoTime) readonly startedAt!: string | null;
  @ApiProperty(nullableIsoTime) readonly finishedAt!: string | null;
  @ApiProperty({ type: RunCountersSchema }) readonly counters!: RunCountersView;
  @ApiProperty(nullableString) readonly error!: string | null;
}

export class RunPageSchema {
  @ApiProperty({ type: [RunSchema] }) readonly items!: RunView[];
  @ApiProperty(nullableString) readonly nextCursor!: string | null;
}

class RunProgressSchema implements RunProgressView {
  @ApiProperty({ description: 'Operations in the run (run-tally.ts)' }) readonly planned!: number;
  @ApiProperty() readonly applied!: number;
  @ApiProperty() readonly failed!: number;
  @ApiProperty() readonly remaining!: number;
  @ApiProperty({ type: Number, nullable: true, description: '0–100' }) readonly percent!: number | null;
  @ApiProperty(nullableInt) readonly ratePerSecond!: number | null;
  @ApiProperty(nullableInt) readonly etaSeconds!: number | null;
  @ApiProperty(nullableIsoTime) readonly estimatedFinishAt!: string | null;
  @ApiProperty(nullableInt) readonly elapsedSeconds!: number | null;
}

class OperationCountsSchema implements Record<OperationStatus, number> {
  @ApiProperty() readonly planned!: number;
  @ApiProperty() readonly pending!: number;
  @ApiProperty() readonly in_flight!: number;
  @ApiProperty() readonly succeeded!: number;
  @ApiProperty() readonly failed!: number;
  @ApiProperty() readonly parked!: number;
}

class FailedRowsSchema {
  @ApiProperty() readonly failed!: number;
  @ApiProperty({ description: 'Failed rows a later run finished' }) readonly finishedLater!: number;
}

class WaitingForSchema {
  @ApiProperty() readonly runId!: number;
  @ApiProperty({ enum: RunStatus }) readonly status!: RunStatus;
}

export class RunDetailSchema extends RunSchema implements RunDetailView {
  @ApiProperty({ type: CursorPositionSchema, nullable: true })
  readonly cursorFrom!: CursorPositionSchema | null;
  @ApiProperty({ type: CursorPositionSchema, nullable: true })
  readonly cursorTo!: CursorPositionSchema | null;
  @ApiProperty({ type: RunProgressSchema }) readonly progress!: RunProgressView;
  @ApiProperty({ type: OperationCountsSchema }) readonly operations!: Record<OperationStatus, number>;
  @ApiProperty({ type: FailedRowsSchema, nullable: true }) readonly failedRows!: FailedRowsSchema | null;
  @ApiProperty({ type: WaitingForSchema, nullable: true }) readonly waitingFor!: WaitingForSchema | null;
}

class FieldChangeSchema implements FieldChangeView {
  @ApiProperty() readonly field!: string;
  @ApiProperty({ description: 'Any JSON value', nullable: true }) readonly old!: unknown;
  @ApiProperty({ description: 'Any JSON value', nullable: true }) readonly new!: unknown;
}

export class OperationSchema implements OperationView {
  @ApiProperty() readonly id!: string;
  @ApiProperty() readonly runId!: number;
  @ApiProperty() readonly mapping!: string;
  @ApiProperty() readonly erpKey!: string;
  @ApiProperty({ enum: OperationAction }) readonly action!: OperationAction;
  @ApiProperty({ enum: OperationStatus }) readonly status!: OperationStatus;
  @ApiProperty(nullableInt) readonly dealId!: number | null;
  @ApiProperty() readonly attempt!: number;
  @ApiProperty({ type: [FieldChangeSchema] }) readonly changes!: FieldChangeView[];
  @ApiProperty({ type: ErrorSchema, nullable: true }) readonly error!: ErrorSchema | null;
  @ApiProperty(nullableIsoTime) readonly nextAttemptAt!: string | null;
  @ApiProperty(isoTime) readonly createdAt!: string;
  @ApiProperty(isoTime) readonly updatedAt!: string;
  @ApiProperty(nullableIsoTime) readonly finishedAt!: string | null;
}

export class OperationPageSchema {
  @ApiProperty({ type: [OperationSchema] }) readonly items!: OperationView[];
  @ApiProperty(nullableString) readonly nextCursor!: string | null;
}

class LinkSchema implements LinkView {
  @ApiProperty(nullableInt) readonly dealId!: number | null;
  @ApiProperty({ type: Object, nullable: true }) readonly payload!: Record<string, unknown> | null;
  @ApiProperty(nullableString) readonly payloadHash!: string | null;
  @ApiProperty(nullableIsoTime) readonly syncedAt!: string | null;
  @ApiProperty() readonly removed!: boolean;
  @ApiProperty() readonly failedAttempts!: number;
  @ApiProperty(nullableString) readonly lastError!: string | null;
  @ApiProperty(nullableIsoTime) readonly retryAt!: string | null;
  @ApiProperty() readonly parked!: boolean;
  @ApiProperty(isoTime) readonly createdAt!: string;
  @ApiProperty(isoTime) readonly updatedAt!: string;
}

class TimelineEntrySchema extends OperationSchema implements TimelineEntryView {
  @ApiProperty() readonly dryRun!: boolean;
  @ApiProperty({ ...nullableInt, description: 'The failure as the backoff counts it' })
  readonly failureNumber!: number | null;
}

class RelatedRecordSchema implements RelatedRecordView {
  @ApiProperty() readonly mapping!: string;
  @ApiProperty({ enum: ENTITY_TYPES }) readonly entity!: string;
  @ApiProperty() readonly field!: string;
  @ApiProperty(nullableString) readonly erpKey!: string | null;
  @ApiProperty(nullableInt) readonly crmId!: number | null;
  @ApiProperty(nullableString) readonly url!: string | null;
}

class RelatedChildrenSchema implements RelatedChildrenView {
  @ApiProperty() readonly mapping!: string;
  @ApiProperty({ enum: ENTITY_TYPES }) readonly entity!: string;
  @ApiProperty() readonly field!: string;
  @ApiProperty() readonly total!: number;
  @ApiProperty({ type: [RelatedRecordSchema] }) readonly records!: RelatedRecordView[];
}

export class RecordTimelineSchema implements RecordTimelineView {
  @ApiProperty() readonly mapping!: string;
  @ApiProperty({ enum: ENTITY_TYPES }) readonly entity!: string;
  @ApiProperty() readonly erpKey!: string;
  @ApiProperty({ type: LinkSchema, nullable: true }) readonly link!: LinkView | null;
  @ApiProperty(nullableString) readonly dealUrl!: string | null;
  @ApiProperty({ type: [RelatedRecordSchema] }) readonly parents!: RelatedRecordView[];
  @ApiProperty({ type: [RelatedChildrenSchema] }) readonly children!: RelatedChildrenView[];
  @ApiProperty(nullableInt) readonly maxAttempts!: number | null;
  @ApiProperty({ type: [TimelineEntrySchema] }) readonly operations!: TimelineEntryView[];
  @ApiProperty() readonly truncated!: boolean;
}

class MappingSourceSchema {
  @ApiProperty(nullableString) readonly table!: string | null;
  @ApiProperty(nullableString) readonly query!: string | null;
  @ApiProperty({ type: [String] }) readonly key!: string[];
  @ApiProperty(nullableString) readonly cursor!: string | null;
  @ApiProperty() readonly lookbackSeconds!: number;
}

class MappingTargetSchema {
  @ApiProperty() readonly originatorId!: string;
  @ApiProperty() readonly categoryId!: number;
  @ApiProperty({
    type: [String],
    description: 'Methods that create its records, in preference order (target.createVia for deals)',
  })
  readonly createVia!: string[];
}

class MappingDeleteSchema {
  @ApiProperty() readonly policy!: string;
  @ApiProperty(nullableString) readonly stage!: string | null;
  @ApiProperty() readonly maxPerRun!: number;
}

export class MappingSummarySchema implements MappingSummaryView {
  @ApiProperty() readonly name!: string;
  @ApiProperty({ enum: ENTITY_TYPES }) readonly entity!: string;
  @ApiProperty() readonly enabled!: boolean;
  @ApiProperty({ type: MappingSourceSchema }) readonly source!: MappingSourceSchema;
  @ApiProperty(nullableString) readonly schedule!: string | null;
  @ApiProperty(nullableString) readonly fullSweep!: string | null;
  @ApiProperty(nullableString) readonly reconcile!: string | null;
  @ApiProperty(nullableIsoTime) readonly nextRunAt!: string | null;
  @ApiProperty(nullableIsoTime) readonly nextFullSweepAt!: string | null;
  @ApiProperty({ type: MappingTargetSchema }) readonly target!: MappingTargetSchema;
  @ApiProperty({ type: [String] }) readonly fields!: string[];
  @ApiProperty({ type: MappingDeleteSchema }) readonly delete!: MappingDeleteSchema;
  @ApiProperty({ type: RunSchema, nullable: true }) readonly lastRun!: RunView | null;
}

class RecentRunSchema implements RecentRunView {
  @ApiProperty() readonly id!: number;
  @ApiProperty({ enum: RunStatus }) readonly status!: RunStatus;
  @ApiProperty() readonly dryRun!: boolean;
  @ApiProperty(nullableInt) readonly durationSeconds!: number | null;
}

class AttentionCountsSchema {
  @ApiProperty() readonly failed!: number;
  @ApiProperty() readonly parked!: number;
}

class MappingHealthSchema implements MappingHealthView {
  @ApiProperty() readonly name!: string;
  @ApiProperty() readonly enabled!: boolean;
  @ApiProperty(nullableIsoTime) readonly lastSucceededAt!: string | null;
  @ApiProperty({ description: 'Equals the metric erp_bitrix24_sync_oldest_unsynced_change_seconds' })
  readonly freshnessSeconds!: number;
  @ApiProperty({ type: AttentionCountsSchema }) readonly attention!: AttentionCountsSchema;
  @ApiProperty(nullableIsoTime) readonly nextRunAt!: string | null;
  @ApiProperty({ type: [RecentRunSchema], description: 'Oldest first' })
  readonly recentRuns!: RecentRunView[];
  @ApiProperty({ type: RunSchema, nullable: true }) readonly lastRun!: RunView | null;
}

export class HealthOverviewSchema implements HealthOverviewView {
  @ApiProperty(isoTime) readonly generatedAt!: string;
  @ApiProperty({ type: [MappingHealthSchema] }) readonly mappings!: MappingHealthView[];
}

class AttentionExampleSchema {
  @ApiProperty() readonly erpKey!: string;
  @ApiProperty(nullableString) readonly code!: string | null;
  @ApiProperty() readonly message!: string;
}

class AttentionGroupSchema implements AttentionGroupView {
  @ApiProperty() readonly mapping!: string;
  @ApiProperty({ description: 'Pass back to retry or export exactly this group' })
  readonly fingerprint!: string;
  @ApiProperty(nullableString) readonly code!: string | null;
  @ApiProperty() readonly message!: string;
  @ApiProperty() readonly rows!: number;
  @ApiProperty() readonly parked!: number;
  @ApiProperty({ type: AttentionExampleSchema }) readonly example!: AttentionExampleSchema;
  @ApiProperty(isoTime) readonly lastFailedAt!: string;
}

export class AttentionSchema implements AttentionView {
  @ApiProperty(isoTime) readonly generatedAt!: string;
  @ApiProperty() readonly rows!: number;
  @ApiProperty({ type: [AttentionGroupSchema] }) readonly groups!: AttentionGroupView[];
}

export class AttentionRetrySchema implements AttentionRetryView {
  @ApiProperty() readonly runId!: number;
  @ApiProperty({ description: 'How many ERP keys the run was queued for' }) readonly erpKeys!: number;
}

export class SearchHitSchema implements SearchHitView {
  @ApiProperty() readonly mapping!: string;
  @ApiProperty() readonly erpKey!: string;
  @ApiProperty(nullableInt) readonly dealId!: number | null;
  @ApiProperty(nullableString) readonly dealUrl!: string | null;
  @ApiProperty({ enum: ['synced', 'failed', 'parked', 'not linked'] })
  readonly state!: SearchHitView['state'];
}

export class ConsoleMetaSchema implements ConsoleMetaView {
  @ApiProperty() readonly version!: string;
  @ApiProperty(nullableString) readonly portalOrigin!: string | null;
  @ApiProperty({ enum: RunStatus, isArray: true }) readonly runStatuses!: RunStatus[];
  @ApiProperty({ enum: RunTrigger, isArray: true }) readonly runTriggers!: RunTrigger[];
  @ApiProperty({ enum: RunMode, isArray: true }) readonly runModes!: RunMode[];
  @ApiProperty({ enum: OperationStatus, isArray: true }) readonly operationStatuses!: OperationStatus[];
  @ApiProperty({ enum: OperationAction, isArray: true }) readonly operationActions!: OperationAction[];
}

export class RunAcceptedSchema implements RunAcceptedView {
  @ApiProperty() readonly runId!: number;
}

export class CancelAcceptedSchema implements CancelAcceptedView {
  @ApiProperty() readonly runId!: number;
  @ApiProperty({ enum: [true] }) readonly cancelRequested!: true;
}
