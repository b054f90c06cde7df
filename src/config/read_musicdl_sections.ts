/**
 * Top-level blocks of newer musicdl configs (still version 1.2): `spotify:` holds the app
 * credentials there, which tunedl reads; `rate_limits:`, `graph:`, `plex:` and `ui:` serve
 * musicdl's own services and are named once as ignored.
 */
import { isMap, type Pair } from "yaml";
import { z } from "zod";
import { MUSICDL_TOP_LEVEL_KEYS } from "./config_schema.ts";
import {
  describeValue,
  isNullScalar,
  keyText,
  type ReadContext,
  resolveNode,
  startOf,
  toValue,
  valueStart,
} from "./yaml_nodes.ts";

/** Top-level musicdl blocks tunedl accepts; only `spotify:` is read. */
export const MUSICDL_SECTIONS: readonly string[] = MUSICDL_TOP_LEVEL_KEYS;

/** What the musicdl blocks gave: credentials and the names of what was left unused. */
export interface MusicdlSections {
  credentials: { client_id?: string; client_secret?: string };
  /** Key paths given in the file that tunedl does not use, e.g. `graph`, `spotify.redirect_uri`. */
  ignored: string[];
}

const CREDENTIAL_KEYS = ["client_id", "client_secret"] as const;
const credential = z.string().trim().min(1);

/** Reads the musicdl blocks present in the file (`sections` maps a top-level key to its pair). */
export function readMusicdlSections(
  ctx: ReadContext,
  sections: ReadonlyMap<string, Pair>,
): MusicdlSections {
  const result: MusicdlSections = { credentials: {}, ignored: [] };
  for (const name of MUSICDL_SECTIONS) {
    const pair = sections.get(name);
    if (pair === undefined) continue;
    if (name !== "spotify") {
      result.ignored.push(name);
      continue;
    }
    readSpotifySection(ctx, pair, result);
  }
  return result;
}

function readSpotifySection(ctx: ReadContext, pair: Pair, result: MusicdlSections): void {
  const node = resolveNode(ctx.doc, pair.value);
  if (isNullScalar(node)) return;
  if (!isMap(node)) {
    ctx.problems.error(
      valueStart(pair, 0),
      "spotify",
      `expected a mapping (client_id:, client_secret:), got ${
        describeValue(toValue(ctx.doc, node))
      }`,
      "write `client_id:` and `client_secret:` indented below `spotify:`",
    );
    return;
  }
  for (const item of node.items) {
    const key = keyText(item.key);
    if (key === undefined) continue;
    if (!(CREDENTIAL_KEYS as readonly string[]).includes(key)) {
      result.ignored.push(`spotify.${key}`);
      continue;
    }
    if (isNullScalar(item.value)) continue;
    const raw = toValue(ctx.doc, resolveNode(ctx.doc, item.value));
    // An empty string in a template means "not set here", as in `download:`.
    if (typeof raw === "string" && raw.trim() === "") continue;
    const parsed = credential.safeParse(raw);
    if (parsed.success) {
      result.credentials[key as typeof CREDENTIAL_KEYS[number]] = parsed.data;
    } else {
      ctx.problems.error(
        startOf(item.value, startOf(item.key, 0)),
        `spotify.${key}`,
        `expected the ${key === "client_id" ? "Client ID" : "Client secret"} of your ` +
          `Spotify app (a string), got ${describeValue(raw)}`,
        "quote the value, or delete the line",
      );
    }
  }
}
