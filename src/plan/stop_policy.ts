/** Which track failures end a whole download run instead of being repeated for every track. */
import {
  AuthError,
  DependencyError,
  ServiceUnreachableError,
  StorageError,
  type TunedlError,
} from "../errors/mod.ts";

/**
 * Whether every other track would fail the same way: a rejected Spotify login, a missing
 * program, a service that is not answering, a full or unwritable library disk.
 */
export function stopsRun(failure: TunedlError): boolean {
  if (
    failure instanceof AuthError || failure instanceof ServiceUnreachableError ||
    failure instanceof StorageError
  ) return true;
  if (!(failure instanceof DependencyError)) return false;
  // yt-dlp failing on one URL (an override to a site it cannot read) says nothing of the rest.
  return failure.code !== "ytdlp_outdated";
}
