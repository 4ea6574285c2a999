/**
 * Uploads and attachments (the media family). Private: objects are served through presigned URLs only,
 * which `GET /uploads/{uuid}` redirects to after its checks. Linked (MEDIA_BUCKET) to the media family
 * (infra/api.ts), the queue worker (infra/queue.ts) and the cleanup-media cron (infra/cron.ts).
 */
export const media = new sst.aws.Bucket("Media");
