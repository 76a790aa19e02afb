// Text from another tool, made to fit a notification: what our publish schema
// would refuse (control characters, lengths, links that are not https) is
// cleaned or dropped here, so a long summary or a stray escape never costs
// the team its alert.
import { notificationLinkTarget } from "../shared/links";
import { withoutDisguises } from "../shared/plain-text";
import { LIMITS } from "../shared/schemas";

/** At most `max` characters (code points, so an emoji is never cut in half), with an ellipsis when cut. */
function fit(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join("").trimEnd()}…`;
}

/** Line breaks kept (as \n); every other control character becomes a space; what disguises text goes. */
function clean(text: string, { tabs }: { tabs: boolean }): string {
  const normalized = withoutDisguises(text.replace(/\r\n?/g, "\n"));
  return (tabs ? normalized.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, " ") : normalized.replace(/[\u0000-\u0009\u000b-\u001f\u007f]/g, " ")).trim();
}

export function asTitle(text: string): string {
  return fit(clean(text, { tabs: false }), LIMITS.title);
}

export function asBody(text: string): string {
  return fit(clean(text, { tabs: true }), LIMITS.body);
}

/** The URL when it is one a card may link to (https, within the length limit); else none. */
export function asLink(url: string | undefined): string | undefined {
  if (!url || url.length > LIMITS.link) return undefined;
  return notificationLinkTarget(url)?.kind === "external" ? url : undefined;
}
