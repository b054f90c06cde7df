/** Small utilities every stage may use; they import only errors/. */
export * from "./bounded_fetch.ts";
export * from "./safe_text.ts";
