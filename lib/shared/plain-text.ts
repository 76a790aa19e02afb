// Text that displays as what it is. Bidi embeddings, overrides and isolates
// (U+202A–U+202E, U+2066–U+2069) reorder what follows them, so a title can
// read as something else ("…‮moc.elgoog" shows as "google.com…"); C1 controls
// (U+0080–U+009F) are invisible and break terminals and logs. Neither has a
// place in a notification: both are removed from what is stored, whatever
// the entry point (the API and the form through the publish schema, the
// webhooks through lib/integrations/text.ts). Right-to-left text needs none of
// them: it is laid out by its own letters.
const DISGUISING = /[\u0080-\u009f\u202a-\u202e\u2066-\u2069]/g;

export function withoutDisguises(text: string): string {
  return text.replace(DISGUISING, "");
}
