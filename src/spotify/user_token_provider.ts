/**
 * Access tokens of a logged-in user: the stored access token while it is
 * valid, then the refresh_token grant (public-client PKCE style: client id,
 * no secret). Spotify may rotate the refresh token on every refresh, so each
 * new pair is handed to `onRefresh` to be saved before the old one is useless.
 */
import { badCredentialsError } from "./errors.ts";
import { LoginExpiredError, loginExpiredError } from "./login_errors.ts";
import { type Clock, systemClock, throwIfAborted } from "./timing.ts";
import { raceAbort, type TokenProvider } from "./token_provider.ts";
import { postTokenForm } from "./token_request.ts";
import { type AccountsOptions, accountsRequestOptions, type UserTokens } from "./user_auth.ts";

/** Settings of the user token provider. */
export interface UserTokenProviderOptions extends Omit<AccountsOptions, "signal"> {
  /** The Spotify app the tokens belong to (refreshes need it; no secret with PKCE). */
  clientId: string;
  /** The tokens from the login (or the last refresh). */
  tokens: UserTokens;
  /** Receives every refreshed token pair, to persist a rotated refresh token. */
  onRefresh?: (tokens: UserTokens) => Promise<void> | void;
  /**
   * Reads the saved tokens again. When a refresh token is refused, another
   * process (a second run from cron) may have rotated it a moment ago: its
   * newer tokens are used instead of giving up.
   */
  reload?: () => Promise<UserTokens | undefined>;
  /** Called once per HTTP request to the token endpoint (request counting). */
  onRequest?: () => void;
}

/** Renew this long before expiry, so a token never expires mid-request. */
const EARLY_REFRESH_MS = 60_000;
/**
 * Requests that were sent with the old token all come back 401 and each calls
 * invalidate(); a token this fresh is not thrown away again for them.
 */
const FRESH_TOKEN_MS = 5_000;

/** Hands out the user's access token, refreshing it when it expires or is refused. */
export class UserTokenProvider implements TokenProvider {
  readonly #options: UserTokenProviderOptions;
  readonly #clock: Clock;
  #tokens: UserTokens;
  #stale = false;
  #refreshedAt = -Infinity;
  #pending?: Promise<string>;

  /** Starts from `options.tokens`; refreshes only when asked for a token. */
  constructor(options: UserTokenProviderOptions) {
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#tokens = { ...options.tokens };
  }

  /** The current tokens (after any refresh). */
  get tokens(): UserTokens {
    return { ...this.#tokens, scope: [...this.#tokens.scope] };
  }

  /** A valid access token; concurrent callers share one refresh. */
  getToken(signal?: AbortSignal): Promise<string> {
    throwIfAborted(signal);
    const now = this.#clock();
    if (!this.#stale && now < this.#tokens.expiresAt - EARLY_REFRESH_MS) {
      return Promise.resolve(this.#tokens.accessToken);
    }
    if (!this.#pending) {
      // Not tied to one caller's signal: the refresh result is saved for everyone.
      this.#pending = this.#refresh().finally(() => {
        this.#pending = undefined;
      });
      this.#pending.catch(() => {});
    }
    return raceAbort(this.#pending, signal);
  }

  /** Marks the access token as refused, so the next call refreshes it. */
  invalidate(): void {
    if (this.#clock() - this.#refreshedAt < FRESH_TOKEN_MS) return;
    this.#stale = true;
  }

  async #refresh(): Promise<string> {
    try {
      return await this.#refreshWith(this.#tokens.refreshToken);
    } catch (error) {
      if (!(error instanceof LoginExpiredError) || !this.#options.reload) {
        throw error;
      }
      const saved = await this.#options.reload().catch(() => undefined);
      if (!saved || saved.refreshToken === this.#tokens.refreshToken) throw error;
      this.#tokens = { ...saved };
      if (this.#clock() < saved.expiresAt - EARLY_REFRESH_MS) {
        this.#stale = false;
        return saved.accessToken;
      }
      return await this.#refreshWith(saved.refreshToken);
    }
  }

  async #refreshWith(refreshToken: string): Promise<string> {
    const options = this.#options;
    const outcome = await postTokenForm(
      new URLSearchParams({
        grant_type: "refresh_token",
        refresh_token: refreshToken,
        client_id: options.clientId,
      }),
      { ...accountsRequestOptions(options, this.#clock), onRequest: options.onRequest },
    );
    if (!outcome.ok) {
      if (outcome.code === "invalid_client" || outcome.code === "unauthorized_client") {
        throw badCredentialsError(
          outcome.description || outcome.code,
          undefined,
          this.#options.credentialsOrigin,
        );
      }
      // invalid_grant: revoked, expired, or already rotated away.
      throw loginExpiredError(outcome.description || outcome.code);
    }
    const { answer } = outcome;
    const now = this.#clock();
    this.#tokens = {
      accessToken: answer.accessToken,
      refreshToken: answer.refreshToken ?? this.#tokens.refreshToken,
      expiresAt: now + answer.expiresIn * 1000,
      scope: answer.scope ?? this.#tokens.scope,
    };
    this.#stale = false;
    this.#refreshedAt = now;
    await options.onRefresh?.(this.tokens);
    return this.#tokens.accessToken;
  }
}
