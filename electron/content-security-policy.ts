// The Content-Security-Policy of the Electron window, sent as a header with every app:// response.
// Nothing but our own scripts, styles and images: the page reaches the core through the preload's
// IPC, so it needs no connection at all (default-src 'none' covers connect-src: no WebSocket, no
// fetch). renderer/index.html carries the same policy as a meta tag, minus frame-ancestors, which
// only works as a header.
export const contentSecurityPolicyDirectives = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
] as const;

export const contentSecurityPolicy = contentSecurityPolicyDirectives.join('; ');
