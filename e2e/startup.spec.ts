// What a production start refuses, and what it turns off by default.
import { startNextServer, TEST_SECRET } from "../testing/next-server";
import { signInCookie } from "../testing/session";
import { expect, test } from "./fixtures";

for (const [name, secret] of [
  ["no NEXTAUTH_SECRET", ""],
  ["a placeholder NEXTAUTH_SECRET", "changeme"],
] as const) {
  test(`next start refuses to run with ${name}, saying why`, async () => {
    await expect(startNextServer({ NEXTAUTH_SECRET: secret })).rejects.toThrow(/Refusing to start: NEXTAUTH_SECRET/);
  });
}

test("demo accounts are off in production unless DEMO_USERS=1", async () => {
  const server = await startNextServer({ DEMO_USERS: "", NEXTAUTH_SECRET: TEST_SECRET });
  try {
    await expect(signInCookie(server.url, "admin@example.com")).rejects.toThrow(/sign-in failed/);
    expect(server.output()).not.toContain("demo");
  } finally {
    await server.stop();
  }
});
