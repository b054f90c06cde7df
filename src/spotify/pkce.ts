/**
 * Proof Key for Code Exchange (RFC 7636) with the S256 method: the secret
 * verifier stays in this process, only its hash travels through the browser,
 * so an intercepted authorization code is useless on its own.
 */

/** Fills a byte array with cryptographically strong random values. */
export type RandomBytes = (bytes: Uint8Array<ArrayBuffer>) => Uint8Array<ArrayBuffer>;

/** The system's secure random source. */
export const systemRandomBytes: RandomBytes = (bytes) => crypto.getRandomValues(bytes);

/** Characters RFC 7636 allows in a code verifier ("unreserved" URI characters). */
const VERIFIER_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";

/** Length of generated verifiers; RFC 7636 allows 43 to 128. */
export const CODE_VERIFIER_LENGTH = 64;

/** A random code verifier: `length` characters from the RFC 7636 alphabet. */
export function createCodeVerifier(
  options: { length?: number; randomBytes?: RandomBytes } = {},
): string {
  const length = options.length ?? CODE_VERIFIER_LENGTH;
  if (!Number.isInteger(length) || length < 43 || length > 128) {
    throw new RangeError(`a PKCE code verifier has 43 to 128 characters, not ${length}`);
  }
  return randomText(length, VERIFIER_ALPHABET, options.randomBytes ?? systemRandomBytes);
}

/** A random `state` value that ties the browser's answer to this login attempt. */
export function createState(options: { randomBytes?: RandomBytes } = {}): string {
  return base64Url((options.randomBytes ?? systemRandomBytes)(new Uint8Array(24)));
}

/** The S256 code challenge of a verifier: BASE64URL(SHA-256(ASCII(verifier))), no padding. */
export async function codeChallengeS256(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return base64Url(new Uint8Array(digest));
}

/** Base64url without padding (RFC 4648 §5), as PKCE and OAuth use it. */
export function base64Url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** Text of `length` characters drawn uniformly from `alphabet` (rejection sampling, no bias). */
function randomText(length: number, alphabet: string, randomBytes: RandomBytes): string {
  // The largest multiple of the alphabet size below 256: bytes above it are
  // dropped so every character is equally likely.
  const limit = 256 - (256 % alphabet.length);
  let text = "";
  while (text.length < length) {
    for (const byte of randomBytes(new Uint8Array(length * 2))) {
      if (byte < limit) text += alphabet[byte % alphabet.length];
      if (text.length === length) break;
    }
  }
  return text;
}
