/** Spotify Web API: links, catalog client, tokens, normalized models. */
export * from "./model.ts";
