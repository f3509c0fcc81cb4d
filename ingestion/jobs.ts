// The URL import job contract: one job per kb_imports row (a single page, a crawl, or a sitemap).
import { z } from 'zod';

export const IMPORT_QUEUE = 'import';
export const ImportJob = z.object({ importId: z.uuid() });
export type ImportJob = z.infer<typeof ImportJob>;
export const importJobId = (job: ImportJob): string => `import-${job.importId}`;
