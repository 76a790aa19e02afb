// Web Push against a real push service run locally (testing/push-service.ts),
// which checks each request's VAPID signature and decrypts its payload.
import webpush from "web-push";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { embeddedStores } from "@/lib/store/embedded";
import type { Stores } from "@/lib/store/stores";
import { startPushService, type TestPushService } from "@/testing/push-service";
import { setSettings, setStore } from "@/testing/server-globals";
import { isPushService } from "./endpoints";
import type { PushMessage } from "./message";
import { pushToDevices } from "./send";

const alice = { userId: "u_alice", email: "alice@example.com", name: "Alice" };
const message: PushMessage = { id: "1-0", title: "Disk full ✓ <b>", body: "at 97 %", severity: "critical", url: "/", tag: "1-0", acknowledgeable: true };

describe("pushing to a person's devices", () => {
  const vapid = webpush.generateVAPIDKeys();
  let service: TestPushService;
  let stores: Stores;

  beforeAll(async () => {
    service = await startPushService();
    setSettings({ VAPID_PUBLIC_KEY: vapid.publicKey, VAPID_PRIVATE_KEY: vapid.privateKey, VAPID_SUBJECT: "mailto:alerts@example.com", PUSH_SERVICE_ORIGINS: service.origin });
  });
  afterAll(() => service.stop());
  beforeEach(() => {
    stores = embeddedStores(50);
    setStore(stores);
  });

  const pushToPerson = async (userId: string, m: PushMessage) => {
    const person = (await stores.push.people()).find((p) => p.userId === userId);
    return person ? pushToDevices(person, m) : 0;
  };
  const subscribed = async (applicationServerKey = vapid.publicKey) => {
    const local = await service.subscribe(applicationServerKey);
    await stores.push.subscribe(alice, { ...local.subscription, createdAt: new Date().toISOString() });
    return local;
  };

  it("reaches every device, each payload encrypted for its browser and decrypted by the push service", async () => {
    const [phone, laptop] = [await subscribed(), await subscribed()];
    expect(await pushToPerson("u_alice", message)).toBe(2);
    expect(JSON.parse(await service.nth(phone.clientHash, 1))).toEqual(message);
    expect(JSON.parse(await service.nth(laptop.clientHash, 1))).toEqual(message);
    expect(await pushToPerson("u_bob", message)).toBe(0);
  });

  it("forgets a subscription the push service says is gone (410), and keeps one it refused for another reason", async () => {
    const gone = await subscribed();
    // Made for another server's key: the service refuses our VAPID signature (400), which says nothing of the browser.
    await subscribed(webpush.generateVAPIDKeys().publicKey);
    await service.expire(gone.clientHash);
    expect(await pushToPerson("u_alice", message)).toBe(0);
    expect((await stores.push.subscriptions("u_alice")).map((s) => s.endpoint)).toEqual([expect.not.stringContaining(gone.clientHash)]);
    expect(await stores.push.people()).toHaveLength(1);
  });

  it("takes only browsers' push services over https, and the origins the settings add", () => {
    const extra = new Set(["http://127.0.0.1:8090"]);
    expect(isPushService("https://fcm.googleapis.com/fcm/send/abc", extra)).toBe(true);
    expect(isPushService("https://updates.push.services.mozilla.com/wpush/v2/abc", extra)).toBe(true);
    expect(isPushService("https://web.push.apple.com/abc", extra)).toBe(true);
    expect(isPushService("http://127.0.0.1:8090/notify/abc", extra)).toBe(true);
    for (const hostile of [
      "http://fcm.googleapis.com/fcm/send/abc",
      "https://fcm.googleapis.com:8443/abc",
      "https://fcm.googleapis.com.evil.example/abc",
      "https://evil.example/push.apple.com",
      "http://169.254.169.254/latest/meta-data",
      "http://127.0.0.1:6379/",
      "not a url",
    ]) {
      expect(isPushService(hostile, extra), hostile).toBe(false);
    }
  });
});
