/**
 * Uploads and attachments (spec §4 Media). Private: objects are served through presigned URLs only.
 * The media and widget families link it once they exist.
 */
export const media = new sst.aws.Bucket("Media");
