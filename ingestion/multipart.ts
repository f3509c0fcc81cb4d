// Reads a multipart upload with busboy. Unlike a middleware that fails the whole request on the first oversized
// file, each file over the limit is marked truncated and the others still arrive, so one bad file in a batch of
// fifty is reported on its own and the rest are imported.
import busboy from 'busboy';
import type { Request } from 'express';
import { AppError } from '../core/errors.ts';

export type UploadedFile = { field: string; filename: string; mime: string; bytes: Uint8Array; truncated: boolean };
export type Multipart = { files: UploadedFile[]; fields: Record<string, string> };

/**
 * Files are held in memory (they go into the database as they are); `maxTotalBytes` bounds one request, so a big
 * batch cannot exhaust the API's memory: past it the upload is refused as a whole.
 */
export function readMultipart(req: Request, limits: { maxFileBytes: number; maxFiles: number; maxTotalBytes: number }): Promise<Multipart> {
  if (!req.is('multipart/form-data')) {
    return Promise.reject(new AppError('unsupported_media_type', 'Send the files as multipart/form-data, with one "files" field per file.'));
  }
  return new Promise((resolve, reject) => {
    const files: UploadedFile[] = [];
    const fields: Record<string, string> = {};
    let tooMany = false;
    let total = 0;
    let tooBig = false;
    let bb: busboy.Busboy;
    try {
      // One byte over the limit tells "exactly at the limit" from "over it".
      bb = busboy({ headers: req.headers, limits: { fileSize: limits.maxFileBytes + 1, files: limits.maxFiles, fields: 50, fieldSize: 100_000 }, defParamCharset: 'utf8' });
    } catch (err) {
      reject(new AppError('invalid_request', `The upload could not be read (${(err as Error).message}). Send it as multipart/form-data.`));
      return;
    }
    bb.on('file', (field, stream, info) => {
      const parts: Buffer[] = [];
      let truncated = false;
      stream.on('data', (d: Buffer) => {
        total += d.length;
        if (total > limits.maxTotalBytes) {
          tooBig = true;
          parts.length = 0;
          stream.resume(); // drain without keeping
          return;
        }
        if (!tooBig) parts.push(d);
      });
      stream.on('limit', () => {
        truncated = true;
      });
      stream.on('close', () => {
        // A Buffer is a Uint8Array: no second copy.
        files.push({ field, filename: info.filename || 'upload', mime: info.mimeType, bytes: truncated || tooBig ? new Uint8Array(0) : Buffer.concat(parts), truncated });
      });
    });
    bb.on('field', (name, value) => (fields[name] = value));
    bb.on('filesLimit', () => (tooMany = true));
    bb.on('error', (err: Error) => reject(new AppError('invalid_request', `The upload was cut off or malformed (${err.message}). Try again.`)));
    bb.on('close', () => {
      if (tooBig) reject(new AppError('payload_too_large', `This upload is larger than ${Math.round(limits.maxTotalBytes / 1024 / 1024)} MB in all. Send the files in several smaller uploads.`));
      else if (tooMany) reject(new AppError('payload_too_large', `At most ${limits.maxFiles} files per upload. Send the rest in another upload.`));
      else resolve({ files, fields });
    });
    req.pipe(bb);
  });
}
