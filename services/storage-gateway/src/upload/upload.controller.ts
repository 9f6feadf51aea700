import type { IncomingMessage, ServerResponse } from 'node:http';
import { Controller, Delete, Head, HttpCode, Options, Patch, Post, Req, Res } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiGoneResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiPreconditionFailedResponse,
  ApiResponse,
  ApiTags,
  ApiUnsupportedMediaTypeResponse,
  ApiBadRequestResponse,
} from '@nestjs/swagger';
import { Principal, Public, Roles, ZodParams } from '@accord/service-kit';
import { z } from 'zod';
import {
  assertOffsetOctetStream,
  assertTusResumable,
  headerText,
  httpDate,
  isOffsetOctetStream,
  parseContentLength,
  parseUploadChecksum,
  parseUploadLength,
  parseUploadOffset,
  TUS_CAPABILITY_HEADERS,
} from './tus.protocol';
import type { PatchInput } from './upload-patch.handler';
import { UploadService, type PatchedUpload } from './upload.service';

const uploadParamsSchema = z.object({ id: z.uuid() });
type UploadParams = z.output<typeof uploadParamsSchema>;

const TUS_HEADER = { name: 'Tus-Resumable', required: true, description: '1.0.0' };
const FINAL_PATCH =
  'The PATCH that completes the upload also answers Accord-Object-Id and, once published, Accord-Anchor-Tx';

/**
 * The tus 1.0.0 resumable-upload protocol (core, creation,
 * creation-with-upload, checksum with sha256, termination, expiration) for
 * a department's objects: docs/storage-gateway-upload.md. Every answer,
 * errors included, carries Tus-Resumable (TusResumableMiddleware).
 */
@ApiTags('uploads')
@Controller('v1/uploads')
export class UploadController {
  constructor(private readonly uploads: UploadService) {}

  @Options()
  @Public()
  @HttpCode(204)
  @ApiOperation({ summary: "The server's tus capabilities (public: tus clients ask before they authenticate)" })
  @ApiNoContentResponse({ description: 'Tus-Version, Tus-Extension, Tus-Checksum-Algorithm, Tus-Max-Size' })
  capabilities(@Res({ passthrough: true }) res: ServerResponse): void {
    for (const [name, value] of Object.entries(TUS_CAPABILITY_HEADERS)) res.setHeader(name, value);
  }

  @Post()
  @HttpCode(201)
  @Roles('provider')
  @ApiOperation({
    summary:
      'Create an upload of a dataset version (tus creation; a body of application/offset+octet-stream is its first PATCH)',
  })
  @ApiHeader(TUS_HEADER)
  @ApiHeader({ name: 'Upload-Length', required: true, description: 'Size of the object in bytes (1 .. Tus-Max-Size)' })
  @ApiHeader({
    name: 'Upload-Metadata',
    required: true,
    description:
      'tus metadata (base64 values): channel, dataset (<owner>/<name>, ours), version (>= 1), mediaType, filename?',
  })
  @ApiCreatedResponse({ description: 'Location (/v1/uploads/<id>), Upload-Expires; Upload-Offset with a body' })
  @ApiBadRequestResponse({ description: 'upload_length_invalid, upload_metadata_invalid' })
  @ApiForbiddenResponse({ description: 'not_owner: the dataset belongs to another department' })
  @ApiNotFoundResponse({ description: 'channel_not_found' })
  @ApiConflictResponse({ description: 'not_channel_member' })
  @ApiPreconditionFailedResponse({ description: 'tus_version_unsupported' })
  async create(
    @Req() req: IncomingMessage,
    @Res({ passthrough: true }) res: ServerResponse,
    @Principal() principal: Principal,
  ): Promise<void> {
    assertTusResumable(req.headers['tus-resumable']);
    const length = parseUploadLength(req.headers['upload-length'], req.headers['upload-defer-length']);
    const created = await this.uploads.create({
      length,
      metadata: headerText(req.headers['upload-metadata']),
      createdBy: principal.name,
    });
    // Set before the body is read: an error in it still tells the client where its upload is.
    res.setHeader('Location', `/v1/uploads/${created.uploadId}`);
    res.setHeader('Upload-Expires', httpDate(created.expiresAt));
    if (!isOffsetOctetStream(req.headers['content-type'])) return;
    setPatched(res, await this.uploads.patch(created.uploadId, patchInput(req, 0)));
  }

  @Head(':id')
  @Roles('provider')
  @ApiOperation({ summary: 'Where an upload is (Upload-Offset, Upload-Length, Upload-Metadata, Upload-Expires)' })
  @ApiHeader(TUS_HEADER)
  @ApiOkResponse({
    description: 'Upload-Offset, Upload-Length, Upload-Metadata, Upload-Expires; Cache-Control: no-store',
  })
  @ApiNotFoundResponse({ description: 'upload_not_found' })
  @ApiGoneResponse({ description: 'upload_expired' })
  @ApiPreconditionFailedResponse({ description: 'tus_version_unsupported' })
  async head(
    @ZodParams(uploadParamsSchema) { id }: UploadParams,
    @Req() req: IncomingMessage,
    @Res({ passthrough: true }) res: ServerResponse,
  ): Promise<void> {
    res.setHeader('Cache-Control', 'no-store');
    assertTusResumable(req.headers['tus-resumable']);
    const upload = await this.uploads.get(id);
    res.setHeader('Upload-Offset', String(upload.offset));
    res.setHeader('Upload-Length', String(upload.length));
    if (upload.metadata !== '') res.setHeader('Upload-Metadata', upload.metadata);
    res.setHeader('Upload-Expires', httpDate(upload.expiresAt));
  }

  @Patch(':id')
  @HttpCode(204)
  @Roles('provider')
  @ApiOperation({ summary: 'Append bytes at Upload-Offset (body: application/offset+octet-stream, streamed)' })
  @ApiHeader(TUS_HEADER)
  @ApiHeader({ name: 'Upload-Offset', required: true, description: 'Must equal the offset HEAD answers' })
  @ApiHeader({ name: 'Upload-Checksum', required: false, description: 'sha256 <base64>: all or nothing of this PATCH' })
  @ApiNoContentResponse({ description: `Upload-Offset, Upload-Expires. ${FINAL_PATCH}` })
  @ApiBadRequestResponse({ description: 'upload_length_invalid (Upload-Offset), checksum_algorithm_unsupported' })
  @ApiNotFoundResponse({ description: 'upload_not_found' })
  @ApiConflictResponse({
    description:
      'upload_offset_mismatch; upload_busy (another request holds its lease; Retry-After and details.retryAfterSeconds say when that lease goes stale)',
  })
  @ApiGoneResponse({ description: 'upload_expired' })
  @ApiPreconditionFailedResponse({ description: 'tus_version_unsupported' })
  @ApiPayloadTooLargeResponse({ description: 'upload_too_long: past Upload-Length (nothing of the PATCH is kept)' })
  @ApiUnsupportedMediaTypeResponse({ description: 'content_type_invalid' })
  @ApiResponse({ status: 460, description: 'upload_checksum_mismatch (nothing of the PATCH is kept)' })
  async patch(
    @ZodParams(uploadParamsSchema) { id }: UploadParams,
    @Req() req: IncomingMessage,
    @Res({ passthrough: true }) res: ServerResponse,
  ): Promise<void> {
    assertTusResumable(req.headers['tus-resumable']);
    assertOffsetOctetStream(req.headers['content-type']);
    setPatched(res, await this.uploads.patch(id, patchInput(req, parseUploadOffset(req.headers['upload-offset']))));
  }

  @Delete(':id')
  @HttpCode(204)
  @Roles('provider')
  @ApiOperation({ summary: 'Terminate an unfinished upload: its stored bytes and rows are removed' })
  @ApiHeader(TUS_HEADER)
  @ApiNoContentResponse({ description: 'Terminated' })
  @ApiNotFoundResponse({ description: 'upload_not_found (also once finished)' })
  @ApiConflictResponse({ description: 'upload_busy' })
  @ApiPreconditionFailedResponse({ description: 'tus_version_unsupported' })
  async terminate(@ZodParams(uploadParamsSchema) { id }: UploadParams, @Req() req: IncomingMessage): Promise<void> {
    assertTusResumable(req.headers['tus-resumable']);
    await this.uploads.terminate(id);
  }
}

/** The PATCH headers of a request, its body streamed from the socket. */
function patchInput(req: IncomingMessage, offset: number): PatchInput {
  const contentLength = parseContentLength(req.headers['content-length']);
  const checksum = parseUploadChecksum(req.headers['upload-checksum']);
  return {
    offset,
    body: req,
    ...(contentLength === undefined ? {} : { contentLength }),
    ...(checksum === undefined ? {} : { checksum }),
  };
}

function setPatched(res: ServerResponse, patched: PatchedUpload): void {
  res.setHeader('Upload-Offset', String(patched.offset));
  res.setHeader('Upload-Expires', httpDate(patched.expiresAt));
  if (patched.completed === undefined) return;
  res.setHeader('Accord-Object-Id', patched.completed.objectId);
  if (patched.completed.anchorTxId !== null) res.setHeader('Accord-Anchor-Tx', patched.completed.anchorTxId);
}
