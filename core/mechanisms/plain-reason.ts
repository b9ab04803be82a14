// Puts why an account cannot connect into words a person can act on. Plugins report what went wrong
// as their libraries say it ("getaddrinfo ENOTFOUND chat.example.invalid", "SASL not-authorized",
// "SELF_SIGNED_CERT_IN_CHAIN"); the registry passes every reason of every plugin through here, so that
// the same trouble reads the same on XMPP, IRC, e-mail and SMS, and no error code reaches the window.
// A reason not recognised is a plugin's own sentence already ("caFile: ... cannot be read"): kept as it is.

interface Translation {
  readonly test: RegExp;
  /** The sentence; `where` is the host (and port) named in the raw reason, when it names one. */
  readonly say: (where: string | undefined) => string;
}

const at = (where: string | undefined) => (where ? ` ${where}` : '');

// Order matters: a certificate or password problem may arrive wrapped in a connection error's words.
const translations: readonly Translation[] = [
  {
    test: /ERR_TLS_CERT_ALTNAME_INVALID|does not match certificate's altnames|hostname mismatch/i,
    say: () =>
      "The server's certificate is made out to another name than the server's: check the server name in the account's settings (it must be the name on the certificate, not an IP address).",
  },
  {
    test: /CERT_HAS_EXPIRED|certificate has expired|CERT_NOT_YET_VALID|certificate is not yet valid/i,
    say: () => "The server's certificate has expired or is not valid yet: tell the server's administrator, and check this computer's date and time.",
  },
  {
    test: /SELF_SIGNED|self[- ]signed|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT|unable to (verify the first|get (local )?issuer) certificate|CERT_UNTRUSTED|certificate could not be verified|CERT_SIGNATURE_FAILURE|CERT_REJECTED/i,
    say: () =>
      "The server's certificate is not signed by an authority this computer trusts: if you trust this server, name the certificate of its authority (CA) in the account's settings; otherwise someone may be impersonating it.",
  },
  {
    test: /not-authorized|SASLError|SASL\b.*(fail|refus)|ERR_SASLFAIL|(?<!:)\b904\b|EAUTH|Invalid login|AUTHENTICATIONFAILED|authentication failed|(?<!:)\b535\b|refused the user name or password|wrong (user name|password)/i,
    say: () => 'The server refused the user name or password: check them in the account\'s settings and enter the password again.',
  },
  {
    test: /ENOTFOUND|EAI_AGAIN|EAI_NONAME|EAI_FAIL|getaddrinfo/,
    say: (where) => `Cannot find the server${at(where)}: check the server name in the account's settings (and that this computer is online).`,
  },
  {
    test: /ECONNREFUSED|connection refused/i,
    say: (where) => `Cannot reach the server${at(where)}: nothing answers there. Check that the server is running and that the port in the account's settings is right.`,
  },
  {
    test: /ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ENETDOWN|EHOSTDOWN|timed? ?out|did not answer in time/i,
    say: (where) => `Cannot reach the server${at(where)}: it does not answer. Check that it is running, that the port in the account's settings is right, and that this computer is online.`,
  },
  {
    test: /ECONNRESET|EPIPE|socket hang up|connection (was )?(closed|reset)/i,
    say: (where) => `The server${at(where)} closed the connection while signing in; Switchboard keeps trying. If it goes on, check the port (a plain port where an encrypted one is expected, or the reverse).`,
  },
];

/** The host (or host:port) an error names: "getaddrinfo ENOTFOUND a.invalid", "connect ECONNREFUSED 127.0.0.1:5999". */
function whereOf(raw: string): string | undefined {
  const words = raw.split(/[\s()]+/);
  const isCode = (w: string | undefined) => w !== undefined && /^(E[A-Z_]{3,}|getaddrinfo)$/.test(w);
  for (let i = 0; i + 1 < words.length; i++) {
    const next = words[i + 1]!;
    if (isCode(words[i]) && !isCode(next) && /^([A-Za-z0-9-]+\.[A-Za-z0-9.-]+|\[[0-9a-f:]+\])(:\d{1,5})?$/i.test(next)) return next;
  }
  return undefined;
}

/** The reason in words a person can act on; one not recognised is returned as it is. */
export function plainReason(raw: string): string {
  const translation = translations.find((t) => t.test.test(raw));
  return translation ? translation.say(whereOf(raw)) : raw;
}
