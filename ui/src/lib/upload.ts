// How far a video upload has got, in words and as a fraction (from what the platform confirmed).
import type { TargetView } from "./backend/types";
import { formatBytes } from "./composeMedia";

export interface UploadLine {
  /** 0…1 */
  fraction: number;
  /** "Uploading: 45 % (135 MB of 300 MB)" */
  text: string;
}

/** The upload line of a target that is uploading a video, or null. */
export function uploadLine(target: Pick<TargetView, "status" | "upload">): UploadLine | null {
  const upload = target.upload;
  if (target.status !== "publishing" || !upload || upload.total_bytes <= 0) return null;
  const fraction = Math.min(1, Math.max(0, upload.sent_bytes / upload.total_bytes));
  return {
    fraction,
    text: `Uploading: ${Math.floor(fraction * 100)} % (${formatBytes(upload.sent_bytes)} of ${formatBytes(upload.total_bytes)})`,
  };
}
