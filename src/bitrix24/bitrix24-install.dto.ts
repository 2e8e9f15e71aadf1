import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsObject, IsOptional, IsString, Length, Matches, ValidateNested } from 'class-validator';

const TOKEN = /^[A-Za-z0-9._~+/=-]+$/;
const SECONDS = /^\d{1,10}$/;

/** `auth[...]` of the ONAPPINSTALL event form (bitrix24-api.md §8, `_includes/auth-params-in-events.md`). */
export class InstallEventAuth {
  @IsOptional() @IsString() @Length(8, 512) @Matches(TOKEN) access_token?: string;
  @IsOptional() @IsString() @Length(8, 512) @Matches(TOKEN) refresh_token?: string;
  @IsOptional() @Matches(SECONDS) expires?: string;
  @IsOptional() @Matches(SECONDS) expires_in?: string;
  @IsOptional() @IsString() @Length(0, 1000) scope?: string;
  @IsOptional() @IsString() @Length(0, 255) domain?: string;
  @IsOptional() @IsString() @Length(0, 1000) server_endpoint?: string;
  @IsOptional() @IsString() @Length(0, 1000) client_endpoint?: string;
  @IsOptional() @IsString() @Length(0, 8) status?: string;
  @IsOptional() @IsString() @Length(0, 128) member_id?: string;
  @IsOptional() @IsString() @Length(0, 32) user_id?: string;
  @IsOptional() @IsString() @Length(0, 512) application_token?: string;
}

/**
 * What the portal POSTs (form-encoded) to a local app's installation handler: either the app-frame
 * fields (AUTH_ID, REFRESH_ID, …) or the ONAPPINSTALL event form (`auth[access_token]`, …). Every field
 * the portal may send is listed, since unknown fields are refused by the app-wide validation pipe.
 */
export class InstallCallbackBody {
  @ApiPropertyOptional({ description: 'Access token' })
  @IsOptional()
  @IsString()
  @Length(8, 512)
  @Matches(TOKEN)
  AUTH_ID?: string;
  @ApiPropertyOptional({ description: 'Seconds the access token lives' })
  @IsOptional()
  @Matches(SECONDS)
  AUTH_EXPIRES?: string;
  @ApiPropertyOptional({ description: 'Refresh token' })
  @IsOptional()
  @IsString()
  @Length(8, 512)
  @Matches(TOKEN)
  REFRESH_ID?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(0, 1000) SERVER_ENDPOINT?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(0, 128) member_id?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(0, 8) status?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(0, 255) DOMAIN?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(0, 255) domain?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(0, 512) APPLICATION_TOKEN?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(0, 64) PLACEMENT?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(0, 10_000) PLACEMENT_OPTIONS?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(0, 16) LANG?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(0, 128) APP_SID?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(0, 16) PROTOCOL?: string;
  @ApiPropertyOptional({ description: 'ONAPPINSTALL for the event form' })
  @IsOptional()
  @IsIn(['ONAPPINSTALL', 'OnAppInstall', 'onappinstall'])
  event?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(0, 32) event_handler_id?: string;
  @ApiPropertyOptional() @IsOptional() @IsObject() data?: Record<string, unknown>;
  @ApiPropertyOptional() @IsOptional() @Matches(SECONDS) ts?: string;
  @ApiPropertyOptional({ type: InstallEventAuth })
  @IsOptional()
  @ValidateNested()
  @Type(() => InstallEventAuth)
  auth?: InstallEventAuth;
}

/** The portal adds these to the handler URL's query string. */
export class InstallCallbackQuery {
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(0, 255) DOMAIN?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(0, 16) PROTOCOL?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(0, 16) LANG?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(0, 128) APP_SID?: string;
}
