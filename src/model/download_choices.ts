/** The closed sets of choices a download setting takes, shared by the config and the stages. */

/** What to do when the target file already exists. */
export type OverwriteMode = "skip" | "overwrite" | "metadata";

/** Every overwrite mode. */
export const OVERWRITE_MODES: readonly OverwriteMode[] = ["skip", "overwrite", "metadata"];

/** Which lyrics to write: synced LRC (else plain), plain text only, or none. */
export type LyricsMode = "synced" | "plain" | "off";

/** Every lyrics mode, in the order help texts list them. */
export const LYRICS_MODES: readonly LyricsMode[] = ["synced", "plain", "off"];

/** Where audio is searched, named as in the config's `audio_providers`. */
export type ProviderName = "youtube-music" | "youtube";

/** Every search provider, in the default order of preference. */
export const PROVIDER_NAMES: readonly ProviderName[] = ["youtube-music", "youtube"];

/** How a recording that several releases list gets its other files: a tagged copy, a hard link, or none. */
export type DuplicatesMode = "copy" | "link" | "skip";

/** Every duplicates mode. */
export const DUPLICATES_MODES: readonly DuplicatesMode[] = ["copy", "link", "skip"];
