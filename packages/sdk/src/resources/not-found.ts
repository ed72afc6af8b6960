import { CoderNotFoundError } from "../errors/base.js";

/** Resolves to undefined when Coder answers 404 ("missing or no access": the two are the same answer there). */
export async function orUndefined<T>(pending: Promise<T>): Promise<T | undefined> {
  try {
    return await pending;
  } catch (error) {
    if (error instanceof CoderNotFoundError) return undefined;
    throw error;
  }
}
