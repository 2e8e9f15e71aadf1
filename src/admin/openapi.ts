import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { packageVersion } from './package-root.js';

/** OpenAPI description of the HTTP API, browsable at /docs (JSON at /docs-json). */
export function setupOpenApi(app: INestApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('erp-bitrix24-sync')
      .setVersion(packageVersion())
      .setDescription(
        'Admin API of the ERP → Bitrix24 deal sync. Admin routes need Authorization: Bearer $ADMIN_TOKEN.',
      )
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'ADMIN_TOKEN' })
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}
