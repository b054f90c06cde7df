/** Reading the `download:` block: each key checked by its zod schema, defaults filled in. */
import { isMap, type Pair } from "yaml";
import { closestMatch } from "./edit_distance.ts";
import {
  DOWNLOAD_FIELDS,
  DOWNLOAD_KEY_ALIASES,
  DOWNLOAD_KEYS,
  type FieldSpec,
  IGNORED_MUSICDL_DOWNLOAD_KEYS,
  TOP_LEVEL_KEYS,
} from "./config_schema.ts";
import { PATH_PLACEHOLDERS, PROVIDER_NAMES, type ProviderName } from "../model/mod.ts";
import type { CredentialSource, DownloadSettings } from "./model.ts";
import {
  describeKind,
  describeValue,
  formatPath,
  isNullScalar,
  keyText,
  type MaybeNode,
  nodeAtPath,
  type ReadContext,
  resolveNode,
  startOf,
  toValue,
} from "./yaml_nodes.ts";

/** The settings plus where the credentials came from. */
export interface DownloadReadResult {
  settings: DownloadSettings;
  credentials: { client_id: CredentialSource; client_secret: CredentialSource };
}

/** Where a setting was written: its pair and the key as the user spelled it. */
interface GivenSetting {
  pair: Pair;
  key: string;
}

/** Reads the `download:` block (node may be absent: every setting then takes its default). */
export function readDownloadSettings(
  ctx: ReadContext,
  node: MaybeNode,
  options: {
    offset: number;
    env: Record<string, string | undefined>;
    /** Credentials from musicdl's top-level `spotify:` block, used when `download:` has none. */
    fallbackCredentials?: { client_id?: string; client_secret?: string };
    /** Whose absolute paths are foreign: a Windows path on POSIX, a POSIX one on Windows. */
    platform?: "windows" | "posix";
  },
): DownloadReadResult {
  const given = collectGivenSettings(ctx, node, options.offset);
  const settings: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(DOWNLOAD_FIELDS) as [string, FieldSpec<unknown>][]) {
    const value = readSetting(ctx, given.get(key), spec);
    if (value !== undefined) settings[key] = value;
  }
  const result = settings as unknown as DownloadSettings;
  result.audio_providers = checkProviders(
    ctx,
    given.get("audio_providers"),
    result.audio_providers,
  );
  for (const key of ["output", "m3u_output"] as const) {
    checkTemplate(ctx, given.get(key), result[key]);
  }
  checkPathsForPlatform(ctx, given, result, options.platform ?? "posix");
  const fallback = options.fallbackCredentials ?? {};
  for (const key of ["client_id", "client_secret"] as const) {
    if (result[key] === undefined && fallback[key] !== undefined) result[key] = fallback[key];
  }
  const credentials = {
    client_id: applyCredential(result, "client_id", options.env.SPOTIFY_CLIENT_ID),
    client_secret: applyCredential(result, "client_secret", options.env.SPOTIFY_CLIENT_SECRET),
  };
  return { settings: result, credentials };
}

function collectGivenSettings(
  ctx: ReadContext,
  node: MaybeNode,
  offset: number,
): Map<string, GivenSetting> {
  const given = new Map<string, GivenSetting>();
  if (isNullScalar(node)) return given;
  if (!isMap(node)) {
    ctx.problems.error(
      startOf(node, offset),
      "download",
      `expected a mapping of settings, got ${describeValue(toValue(ctx.doc, node))}`,
      "write each setting on its own line below `download:`, indented, as `key: value`",
    );
    return given;
  }
  const aliased: [string, GivenSetting][] = [];
  for (const pair of node.items) {
    const key = keyText(pair.key);
    const at = startOf(pair.key, offset);
    if (key === undefined) {
      ctx.problems.error(
        at,
        "download",
        "a setting name must be a plain word",
        "write settings as `key: value`",
      );
    } else if (Object.hasOwn(DOWNLOAD_FIELDS, key)) {
      given.set(key, { pair, key });
    } else if (Object.hasOwn(DOWNLOAD_KEY_ALIASES, key)) {
      aliased.push([DOWNLOAD_KEY_ALIASES[key], { pair, key }]);
    } else if (!IGNORED_MUSICDL_DOWNLOAD_KEYS.includes(key)) {
      warnUnknownDownloadKey(ctx, at, key);
    }
  }
  // musicdl's names count only where tunedl's own name is not also given.
  for (const [target, setting] of aliased) if (!given.has(target)) given.set(target, setting);
  return given;
}

function warnUnknownDownloadKey(ctx: ReadContext, at: number, key: string): void {
  if (TOP_LEVEL_KEYS.includes(key)) {
    ctx.problems.error(
      at,
      `download.${key}`,
      `\`${key}\` belongs at the top level, not under \`download:\``,
      `remove the indentation before \`${key}:\``,
    );
    return;
  }
  const suggestion = closestMatch(key, DOWNLOAD_KEYS);
  // A near miss is a setting the user meant: ignoring it would silently drop it.
  if (suggestion) {
    ctx.problems.error(
      at,
      `download.${key}`,
      `unknown key; did you mean \`${suggestion}\`?`,
      `rename it to \`${suggestion}\``,
    );
    return;
  }
  ctx.problems.warn(
    at,
    `download.${key}`,
    "unknown key, ignored",
    "see config.example.yaml for the settings tunedl knows",
  );
}

function readSetting(
  ctx: ReadContext,
  setting: GivenSetting | undefined,
  spec: FieldSpec<unknown>,
): unknown {
  if (setting === undefined || isNullScalar(setting.pair.value)) return copyDefault(spec.default);
  const valueNode = resolveNode(ctx.doc, setting.pair.value);
  const raw = toValue(ctx.doc, valueNode);
  // `client_id: ""` in a template means "not set here", as it did in musicdl.
  if (spec.default === undefined && typeof raw === "string" && raw.trim() === "") return undefined;
  const parsed = spec.schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issuePath = parsed.error.issues[0]?.path ?? [];
  const located = nodeAtPath(ctx.doc, valueNode, issuePath);
  const expected = issuePath.length > 0 && spec.itemExpected ? spec.itemExpected : spec.expected;
  const path = formatPath(`download.${setting.key}`, issuePath);
  ctx.problems.error(
    startOf(located, startOf(setting.pair.key, 0)),
    path,
    `expected ${expected}, got ${
      spec.secret
        ? describeKind(valueAtPath(raw, issuePath))
        : describeValue(valueAtPath(raw, issuePath))
    }`,
    spec.default === undefined
      ? `fix the value, or delete the line`
      : `fix the value, or delete the line to use the default (${JSON.stringify(spec.default)})`,
  );
  return copyDefault(spec.default);
}

function copyDefault(value: unknown): unknown {
  return Array.isArray(value) ? [...value] : value;
}

function valueAtPath(value: unknown, path: readonly PropertyKey[]): unknown {
  let current = value;
  for (const segment of path) {
    if (current === null || typeof current !== "object") return current;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

function checkProviders(
  ctx: ReadContext,
  setting: GivenSetting | undefined,
  providers: readonly string[],
): ProviderName[] {
  const kept: ProviderName[] = [];
  providers.forEach((provider, index) => {
    const name = provider.trim().toLowerCase();
    if ((PROVIDER_NAMES as readonly string[]).includes(name)) {
      if (!kept.includes(name as ProviderName)) kept.push(name as ProviderName);
      return;
    }
    if (setting === undefined) return;
    const at = startOf(
      nodeAtPath(ctx.doc, setting.pair.value, [index]),
      startOf(setting.pair.key, 0),
    );
    const suggestion = closestMatch(name, PROVIDER_NAMES);
    ctx.problems.warn(
      at,
      `download.${setting.key}[${index}]`,
      suggestion
        ? `unknown audio provider ${
          JSON.stringify(provider)
        }, ignored; did you mean \`${suggestion}\`?`
        : `audio provider ${JSON.stringify(provider)} is not supported by tunedl, ignored`,
      `tunedl searches ${PROVIDER_NAMES.join(" and ")}`,
    );
  });
  if (kept.length > 0) return kept;
  const fallback = DOWNLOAD_FIELDS.audio_providers.default ?? [...PROVIDER_NAMES];
  if (setting !== undefined) {
    ctx.problems.warn(
      startOf(setting.pair.value, startOf(setting.pair.key, 0)),
      `download.${setting.key}`,
      `no supported audio provider listed; using ${fallback.join(", ")}`,
      `list ${PROVIDER_NAMES.join(" and/or ")}`,
    );
  }
  return [...fallback];
}

function checkTemplate(
  ctx: ReadContext,
  setting: GivenSetting | undefined,
  template: string,
): void {
  if (setting === undefined) return;
  for (const match of template.matchAll(/\{([^{}]*)\}/g)) {
    const name = match[1];
    if ((PATH_PLACEHOLDERS as readonly string[]).includes(name)) continue;
    const suggestion = closestMatch(name, PATH_PLACEHOLDERS);
    ctx.problems.warn(
      startOf(setting.pair.value, startOf(setting.pair.key, 0)),
      `download.${setting.key}`,
      `unknown placeholder {${name}} is kept as text` +
        (suggestion ? `; did you mean {${suggestion}}?` : ""),
      `placeholders: ${PATH_PLACEHOLDERS.map((placeholder) => `{${placeholder}}`).join(" ")}`,
    );
  }
}

function applyCredential(
  settings: DownloadSettings,
  key: "client_id" | "client_secret",
  envValue: string | undefined,
): CredentialSource {
  const fromEnv = envValue?.trim();
  if (fromEnv) {
    settings[key] = fromEnv;
    return "env";
  }
  return settings[key] === undefined ? "missing" : "config";
}

/** Settings that hold a path (templates included). */
const PATH_SETTINGS = [
  "output",
  "m3u_output",
  "cache_file",
  "ytdlp_path",
  "ffmpeg_path",
  "cookies_file",
] as const;

/** Whether a path is absolute on the other family of systems, and which. */
export function foreignAbsolutePath(
  path: string,
  platform: "windows" | "posix",
): "windows" | "posix" | undefined {
  const text = path.trim();
  if (platform === "posix") {
    // `C:\Music`, `C:/Music` and `\\server\share` mean nothing on Linux or macOS.
    return /^[A-Za-z]:[\\/]/.test(text) || /^\\\\[^\\]/.test(text) ? "windows" : undefined;
  }
  // `/mnt/music` on Windows lands in the root of whatever drive tunedl runs from.
  return /^\/(?!\/)/.test(text) ? "posix" : undefined;
}

function checkPathsForPlatform(
  ctx: ReadContext,
  given: Map<string, GivenSetting>,
  settings: DownloadSettings,
  platform: "windows" | "posix",
): void {
  for (const key of PATH_SETTINGS) {
    const setting = given.get(key);
    const value = settings[key];
    if (setting === undefined || value === undefined) continue;
    const foreign = foreignAbsolutePath(value, platform);
    if (foreign === undefined) continue;
    ctx.problems.error(
      startOf(setting.pair.value, startOf(setting.pair.key, 0)),
      `download.${setting.key}`,
      foreign === "windows"
        ? `${JSON.stringify(value)} is a Windows path; this system (${
          platform === "posix" ? "Linux/macOS" : "Windows"
        }) would make a folder of that name`
        : `${
          JSON.stringify(value)
        } is a Linux/macOS path; on Windows it would land in the root of the current drive`,
      foreign === "windows"
        ? "use a path of this system, such as /home/me/Music/{artist}/... or one relative to the config file"
        : "use a Windows path, such as C:/Users/me/Music/{artist}/... or one relative to the config file",
    );
  }
}
