// Prints a fresh pair of Web Push (VAPID) keys as settings to paste into
// .env or the host's environment; the subject names who runs the server.
import webpush from "web-push";

const { publicKey, privateKey } = webpush.generateVAPIDKeys();
console.log(`VAPID_PUBLIC_KEY=${publicKey}\nVAPID_PRIVATE_KEY=${privateKey}\nVAPID_SUBJECT=mailto:alerts@example.com`);
