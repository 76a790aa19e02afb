// Sign-in for a real team, in Chromium through real local stand-ins: an
// OpenID provider (oidc-provider) and an SMTP server (smtp-server). With the
// demo accounts off, as in production, the page offers only the ways that
// work.
import type { Browser } from "@playwright/test";
import { startNextServer, type NextServer } from "../testing/next-server";
import { startOidcProvider, type TestOidcProvider } from "../testing/oidc-provider";
import { freePort } from "../testing/ports";
import { startSmtpServer, type TestSmtpServer } from "../testing/smtp-server";
import { expect, test } from "./fixtures";

test.describe.configure({ mode: "serial" });

async function session(server: NextServer, browser: { cookies(): Promise<{ name: string; value: string }[]> }) {
  const cookie = (await browser.cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
  return (await fetch(`${server.url}/api/auth/session`, { headers: { cookie } })).json();
}

test.describe("OpenID Connect", () => {
  let op: TestOidcProvider;
  let server: NextServer;

  test.beforeAll(async () => {
    const port = await freePort();
    op = await startOidcProvider(`http://127.0.0.1:${port}/api/auth/callback/oidc`, {
      alice: { email: "Alice@Example.com", email_verified: true, name: "Alice" },
      boss: { email: "boss@example.com", email_verified: true, name: "Boss", groups: ["ops-admins"] },
      mallory: { email: "admin@example.com", email_verified: false, name: "Mallory" },
    });
    server = await startNextServer(
      {
        DEMO_USERS: "0",
        OIDC_ISSUER: op.issuer,
        OIDC_CLIENT_ID: op.clientId,
        OIDC_CLIENT_SECRET: op.clientSecret,
        OIDC_NAME: "Acme SSO",
        OIDC_ADMIN_GROUPS: "ops-admins",
        ADMIN_EMAILS: "admin@example.com",
        ALLOWED_EMAIL_DOMAINS: "example.com",
        // Mail for escalations only: no sign-in links beside the provider.
        SMTP_URL: "smtp://127.0.0.1:9",
        EMAIL_FROM: "alerts@example.com",
        EMAIL_SIGN_IN: "0",
      },
      { port },
    );
  });
  test.afterAll(async () => {
    await server?.stop();
    await op?.stop();
  });

  async function signInAs(browser: Browser, login: string) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/signin`);
    await page.getByTestId("signin-oidc").click();
    await page.locator('input[name="login"]').fill(login);
    await page.locator('input[name="password"]').fill("any");
    await page.getByRole("button", { name: "Sign-in" }).click();
    await page.getByRole("button", { name: "Continue" }).click();
    await page.waitForURL((url) => url.origin === server.url);
    return { context, page };
  }

  test("the sign-in page offers only the provider: no password form without accounts, no email links with EMAIL_SIGN_IN=0", async ({ page }) => {
    await page.goto(`${server.url}/signin`);
    await expect(page.getByTestId("signin-oidc")).toHaveText("Continue with Acme SSO");
    await expect(page.getByTestId("signin-password")).toHaveCount(0);
    await expect(page.getByTestId("signin-link-email")).toHaveCount(0);
    const asked = await fetch(`${server.url}/api/sign-in/email`, { method: "POST", headers: { origin: server.url, "content-type": "application/json" }, body: JSON.stringify({ email: "alice@example.com" }) });
    expect(asked.status).toBe(404);
    expect(await asked.json()).toEqual({ error: "Email sign-in links are off on this deployment." });
  });

  test("a verified person signs in as a member; one in OIDC_ADMIN_GROUPS as an admin", async ({ browser }) => {
    const alice = await signInAs(browser, "alice");
    await expect(alice.page.getByText("Alice · member")).toBeVisible();
    expect((await session(server, alice.context)).user).toMatchObject({ email: "alice@example.com", role: "member" });
    await alice.context.close();
    const boss = await signInAs(browser, "boss");
    await expect(boss.page.getByText("Boss · admin")).toBeVisible();
    await boss.context.close();
  });

  test("an unverified email is refused, even an ADMIN_EMAILS one", async ({ browser }) => {
    const { context, page } = await signInAs(browser, "mallory");
    await expect(page).toHaveURL(/\/signin\?error=unverified/);
    await expect(page.getByTestId("signin-refused")).toContainText("no verified email address");
    expect(await session(server, context)).toEqual({});
    await context.close();
  });

  test("an ID token for another audience is refused, though its signature is the provider's", async ({ browser }) => {
    op.tamper((claims) => ({ ...claims, aud: "another-app" }));
    try {
      const { context, page } = await signInAs(browser, "alice");
      await expect(page).toHaveURL(/\/signin\?.*error=OAuthCallback/);
      await expect(page.getByTestId("signin-refused")).toContainText("did not complete");
      expect(await session(server, context)).toEqual({});
      await context.close();
    } finally {
      op.tamper(null);
    }
  });
});

test.describe("email sign-in links", () => {
  let smtp: TestSmtpServer;
  let server: NextServer;

  test.beforeAll(async () => {
    smtp = await startSmtpServer();
    server = await startNextServer({ DEMO_USERS: "0", SMTP_URL: smtp.url, EMAIL_FROM: "Alerts <alerts@example.com>", ALLOWED_EMAILS: "alice@example.com,bob@example.com" });
  });
  test.afterAll(async () => {
    await server?.stop();
    await smtp?.stop();
  });

  const ask = (email: string) =>
    fetch(`${server.url}/api/sign-in/email`, { method: "POST", headers: { origin: server.url, "content-type": "application/json" }, body: JSON.stringify({ email }) });

  test("a link, followed in Chromium, signs the person in once; the page says the same for an address that may not sign in, and nothing is sent", async ({ browser }) => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/signin`);
    await expect(page.getByTestId("signin-password")).toHaveCount(0);
    await page.getByTestId("signin-link-email").fill("mallory@example.com");
    await page.getByTestId("signin-link-submit").click();
    const sentence = await page.getByTestId("signin-link-sent").innerText();
    expect(sentence).toMatch(/If this address may sign in here/);
    expect(smtp.received).toHaveLength(0);

    await page.getByTestId("signin-link-email").fill("Alice@Example.com");
    await page.getByTestId("signin-link-submit").click();
    await expect(page.getByTestId("signin-link-sent")).toHaveText(sentence);
    const mail = await smtp.nextTo("alice@example.com");
    expect(mail.from?.text).toContain("alerts@example.com");
    const link = /https?:\/\/\S+\/signin\/email\?\S+/.exec(mail.text ?? "")![0];
    expect(new URL(link).origin).toBe(server.url);

    // A scanner fetching the link uses nothing up: only the button does.
    expect((await fetch(link)).status).toBe(200);
    await page.goto(link);
    await page.getByTestId("signin-link-finish").click();
    await expect(page.getByText("alice · member")).toBeVisible();
    expect((await session(server, context)).user).toMatchObject({ email: "alice@example.com", role: "member" });

    // Once only, in another browser too.
    const other = await browser.newContext();
    const second = await other.newPage();
    await second.goto(link);
    await second.getByTestId("signin-link-finish").click();
    await expect(second.getByTestId("signin-link-refused")).toContainText("used already or has expired");
    expect(await session(server, other)).toEqual({});
    await other.close();
    await context.close();
  });

  test("links are limited per address, whatever the address, and refused for what is no address", async () => {
    for (let i = 0; i < 3; i++) expect((await ask("bob@example.com")).status).toBe(202);
    const limited = await ask("bob@example.com");
    expect(limited.status).toBe(429);
    expect((await limited.json()).error).toMatch(/^Too many sign-in links asked for\. Try again in \d+ s\.$/);
    const invalid = await ask("\u212Aate@example.com");
    expect(invalid.status).toBe(400);
    expect((await invalid.json()).error).toMatch(/email address/);
    expect((await fetch(`${server.url}/api/sign-in/email`, { method: "POST", headers: { origin: "https://evil.example", "content-type": "application/json" }, body: JSON.stringify({ email: "bob@example.com" }) })).status).toBe(403);
  });
});
