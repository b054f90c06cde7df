/** The plan: model, generation, optimization and execution. */
export * from "./model.ts";
export * from "./generate.ts";
export * from "./optimize.ts";
