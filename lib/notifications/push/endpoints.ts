// Which push services a subscription may name. The server POSTs to the
// endpoint a browser hands it, so an endpoint anywhere would let anyone who
// signs in make the server call into its own network: only the browsers'
// push services are taken, over https, and the origins PUSH_SERVICE_ORIGINS adds.
const BROWSER_PUSH_HOSTS = [
  /^fcm\.googleapis\.com$/, // Chrome, Edge, Opera, Samsung Internet
  /^android\.googleapis\.com$/,
  /(^|\.)push\.services\.mozilla\.com$/, // Firefox
  /(^|\.)notify\.windows\.com$/, // Edge's legacy service
  /(^|\.)push\.apple\.com$/, // Safari
];

export function isPushService(endpoint: string, extraOrigins: ReadonlySet<string>): boolean {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return false;
  }
  if (extraOrigins.has(url.origin)) return true;
  return url.protocol === "https:" && url.port === "" && BROWSER_PUSH_HOSTS.some((host) => host.test(url.hostname));
}
